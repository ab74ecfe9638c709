// The demo shop's logic: a small catalogue, a cart in localStorage, and the GA4-style ShopPulse calls a real
// storefront would make. window.SHOPPULSE (config.js, written by ./shoppulse up) says where the collector is.
(function () {
  'use strict';
  var CURRENCY = 'EUR';
  var PRODUCTS = [
    { id: 'SKU-1042', name: 'Trail Runner 2', brand: 'Northpeak', category: 'Shoes/Running', price: 89.9 },
    { id: 'SKU-1077', name: 'Road Glide', brand: 'Northpeak', category: 'Shoes/Running', price: 119.0 },
    { id: 'SKU-2210', name: 'Merino Socks', brand: 'Woolly', category: 'Apparel/Socks', price: 14.5 },
    { id: 'SKU-3301', name: 'Rain Shell', brand: 'Stormline', category: 'Apparel/Jackets', price: 149.0 },
    { id: 'SKU-4410', name: 'Hydration Vest', brand: 'Stormline', category: 'Gear/Packs', price: 64.0 },
    { id: 'SKU-5502', name: 'Headlamp 400', brand: 'Lumo', category: 'Gear/Lights', price: 39.95 }
  ];

  window.shoppulse('init', { endpoint: window.SHOPPULSE.endpoint, writeKey: window.SHOPPULSE.writeKey });

  function product(id) { return PRODUCTS.filter(function (p) { return p.id === id; })[0]; }
  function item(p, quantity, index) {
    var i = { item_id: p.id, item_name: p.name, item_brand: p.brand, item_category: p.category, price: p.price, quantity: quantity || 1 };
    if (index !== undefined) i.index = index;
    return i;
  }
  function round(x) { return Math.round(x * 100) / 100; }
  function cart() { try { return JSON.parse(localStorage.getItem('demo_cart') || '[]'); } catch (e) { return []; } }
  function saveCart(lines) { localStorage.setItem('demo_cart', JSON.stringify(lines)); }
  function cartItems() { return cart().map(function (l) { return item(product(l.id), l.quantity); }); }
  function cartValue() { return round(cart().reduce(function (s, l) { return s + product(l.id).price * l.quantity; }, 0)); }
  function money(x) { return x.toFixed(2) + ' ' + CURRENCY; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag), k;
    for (k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function renderCount() {
    var n = cart().reduce(function (s, l) { return s + l.quantity; }, 0), c = document.getElementById('cart-count');
    if (c) c.textContent = String(n);
  }

  var pages = {
    catalogue: function () {
      var q = new URLSearchParams(location.search).get('q'), list = document.getElementById('products');
      var shown = PRODUCTS.filter(function (p) { return !q || (p.name + ' ' + p.category).toLowerCase().indexOf(q.toLowerCase()) >= 0; });
      if (q) window.shoppulse('track', 'search', { search_term: q });
      shown.forEach(function (p, i) {
        var card = el('li', { 'class': 'card' }), link = el('a', { href: 'product.html?id=' + p.id, id: 'product-' + p.id }, p.name);
        link.addEventListener('click', function () {
          window.shoppulse('track', 'select_item', { item_list_id: q ? 'search' : 'catalogue', items: [item(p, 1, i)] });
        });
        card.appendChild(link);
        card.appendChild(el('p', {}, p.brand + ' · ' + money(p.price)));
        list.appendChild(card);
      });
      if (shown.length) {
        window.shoppulse('track', 'view_item_list', { item_list_id: q ? 'search' : 'catalogue', items: shown.map(function (p, i) { return item(p, 1, i); }) });
      }
    },
    product: function () {
      var p = product(new URLSearchParams(location.search).get('id')) || PRODUCTS[0];
      document.getElementById('name').textContent = p.name;
      document.getElementById('price').textContent = money(p.price);
      document.title = p.name + ' · Northpeak demo shop';
      window.shoppulse('track', 'view_item', { items: [item(p)], value: p.price, currency: CURRENCY });
      document.getElementById('add-to-cart').addEventListener('click', function () {
        var lines = cart(), line = lines.filter(function (l) { return l.id === p.id; })[0];
        if (line) line.quantity += 1; else lines.push({ id: p.id, quantity: 1 });
        saveCart(lines); renderCount();
        window.shoppulse('track', 'add_to_cart', { items: [item(p)], value: p.price, currency: CURRENCY });
        document.getElementById('added').hidden = false;
      });
    },
    cart: function () {
      var body = document.getElementById('lines');
      cart().forEach(function (l) {
        var p = product(l.id), row = el('tr', { id: 'line-' + p.id }), remove = el('button', { id: 'remove-' + p.id }, 'Remove');
        row.appendChild(el('td', {}, p.name)); row.appendChild(el('td', {}, String(l.quantity)));
        row.appendChild(el('td', {}, money(p.price * l.quantity)));
        var cell = el('td'); cell.appendChild(remove); row.appendChild(cell);
        remove.addEventListener('click', function () {
          saveCart(cart().filter(function (x) { return x.id !== p.id; }));
          window.shoppulse('track', 'remove_from_cart', { items: [item(p, l.quantity)], value: round(p.price * l.quantity), currency: CURRENCY });
          row.remove(); renderCount(); document.getElementById('total').textContent = money(cartValue());
        });
        body.appendChild(row);
      });
      document.getElementById('total').textContent = money(cartValue());
      if (cart().length) window.shoppulse('track', 'view_cart', { items: cartItems(), value: cartValue(), currency: CURRENCY });
    },
    checkout: function () {
      if (!cart().length) { document.getElementById('empty').hidden = false; return; }
      document.getElementById('total').textContent = money(cartValue());
      window.shoppulse('track', 'begin_checkout', { items: cartItems(), value: cartValue(), currency: CURRENCY });
      document.getElementById('shipping').addEventListener('submit', function (e) {
        e.preventDefault();
        window.shoppulse('track', 'add_shipping_info', { items: cartItems(), value: cartValue(), currency: CURRENCY, shipping_tier: 'standard' });
        document.getElementById('payment').hidden = false;
      });
      document.getElementById('payment').addEventListener('submit', function (e) {
        e.preventDefault();
        window.shoppulse('track', 'add_payment_info', { items: cartItems(), value: cartValue(), currency: CURRENCY, payment_type: 'card' });
        var order = 'DEMO-' + Date.now().toString(36).toUpperCase(), shipping = 4.9, value = round(cartValue() + shipping);
        window.shoppulse('track', 'purchase', { transaction_id: order, items: cartItems(), value: value, shipping: shipping, currency: CURRENCY });
        window.shoppulse('flush');
        saveCart([]); renderCount();
        document.getElementById('payment').hidden = true;
        var done = document.getElementById('done'); done.hidden = false;
        document.getElementById('order-id').textContent = order;
      });
    }
  };

  document.getElementById('site-header').innerHTML = '<a href="index.html"><strong>Northpeak</strong> demo shop</a>'
    + '<a href="cart.html" id="cart-link">Cart (<span id="cart-count">0</span>)</a>'
    + '<form action="index.html"><input name="q" id="search" placeholder="Search" aria-label="Search"></form>';
  window.shoppulse('page');
  renderCount();
  pages[document.body.getAttribute('data-page')]();
})();
