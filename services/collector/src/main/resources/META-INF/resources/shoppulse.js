/*! ShopPulse tracker: no dependencies; docs/tracker.md describes the API. */
(function (w, d) {
  'use strict';
  var cfg = { endpoint: '', writeKey: '', batchSize: 20, flushMs: 1000, sessionMinutes: 30, requireConsent: false },
    queue = [], timer = null, sending = false, backoff = 0, consent = null, userId = null,
    store = w.localStorage, KEY = 'shoppulse_';

  function get(k) { try { return store.getItem(KEY + k); } catch (e) { return null; } }
  function set(k, v) { try { store.setItem(KEY + k, v); } catch (e) { /* private mode: memory only */ } }
  function del(k) { try { store.removeItem(KEY + k); } catch (e) { /* ignore */ } }
  function uuid() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16); w.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function now() { return new Date().toISOString(); }

  function anonymousId() {
    var id = get('aid');
    if (!id) { id = uuid(); set('aid', id); }
    return id;
  }
  // A session ends after sessionMinutes without activity, as in GA.
  function sessionId() {
    var id = get('sid'), last = +get('seen') || 0, t = Date.now();
    if (!id || t - last > cfg.sessionMinutes * 60000) { id = uuid(); set('sid', id); del('utm'); }
    set('seen', String(t));
    return id;
  }
  function utm() {
    var p = new URLSearchParams(w.location.search), u = {}, found = false;
    ['source', 'medium', 'campaign', 'term', 'content'].forEach(function (k) {
      var v = p.get('utm_' + k); if (v) { u[k] = v; found = true; }
    });
    if (found) set('utm', JSON.stringify(u));
    try { return found ? u : JSON.parse(get('utm') || 'null'); } catch (e) { return null; }
  }
  function page() {
    return { url: w.location.href, path: w.location.pathname, referrer: d.referrer || undefined, title: d.title || undefined };
  }
  function allowed() { return cfg.requireConsent ? !!(consent && consent.analytics) : !(consent && consent.analytics === false); }

  function track(type, props) {
    if (!allowed()) return;
    var e = { event_id: uuid(), type: type, timestamp: now(), anonymous_id: anonymousId(), session_id: sessionId(), page: page() }, k;
    var u = utm(); if (u) e.utm = u;
    if (userId) e.user_id = userId;
    if (consent) e.consent = consent;
    for (k in props || {}) if (Object.prototype.hasOwnProperty.call(props, k)) e[k] = props[k];
    queue.push(e);
    persist();
    if (queue.length >= cfg.batchSize) flush(); else schedule(cfg.flushMs);
  }

  function persist() { set('queue', JSON.stringify(queue.slice(-500))); }
  function schedule(ms) { if (!timer) timer = setTimeout(function () { timer = null; flush(); }, ms); }

  // Sends one batch; keeps it for a retry with exponential back-off when the network or the server fails.
  function flush() {
    if (sending || !queue.length || !cfg.writeKey) return;
    var batch = queue.slice(0, cfg.batchSize), sentAt = now();
    batch.forEach(function (e) { e.sent_at = sentAt; });
    sending = true;
    fetch(cfg.endpoint + '/v1/events', {
      method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json', 'X-ShopPulse-Key': cfg.writeKey },
      body: JSON.stringify(batch)
    }).then(function (r) {
      if (r.status >= 500 || r.status === 429) throw new Error('retry');
      // 2xx: stored; another 4xx will not improve with a retry (the collector dead-letters refused events).
      // By identity: a beacon, reset or consent change may have replaced the queue while this was in flight.
      queue = queue.filter(function (e) { return batch.indexOf(e) < 0; }); backoff = 0; persist();
    }).catch(function () {
      backoff = Math.min(backoff ? backoff * 2 : 1000, 60000);
    }).then(function () {
      sending = false;
      if (queue.length) schedule(backoff || 0);
    });
  }

  // On page hide the page may never run again: hand what is left to the browser with sendBeacon.
  function beacon() {
    if (!queue.length || !cfg.writeKey || !navigator.sendBeacon) return;
    var sentAt = now();
    queue.forEach(function (e) { e.sent_at = sentAt; });
    var body = JSON.stringify({ writeKey: cfg.writeKey, batch: queue.slice(0, 500) });
    if (navigator.sendBeacon(cfg.endpoint + '/v1/events', new Blob([body], { type: 'text/plain' }))) {
      queue = queue.slice(500); persist();
    }
  }

  var api = {
    init: function (o) {
      for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) cfg[k] = o[k];
      cfg.endpoint = String(cfg.endpoint).replace(/\/+$/, '');
      try { consent = JSON.parse(get('consent') || 'null'); } catch (e) { consent = null; }
      userId = get('uid');
      try { queue = JSON.parse(get('queue') || '[]').concat(queue); } catch (e) { /* corrupt: start afresh */ }
      if (queue.length) schedule(0);
    },
    track: track,
    page: function (props) { track('page_view', props); },
    identify: function (id) { userId = id ? String(id) : null; if (userId) set('uid', userId); else del('uid'); },
    consent: function (c) {
      consent = { analytics: !!c.analytics, marketing: !!c.marketing };
      set('consent', JSON.stringify(consent));
      if (!consent.analytics) { queue = []; del('queue'); }
    },
    reset: function () { ['aid', 'sid', 'seen', 'uid', 'utm', 'queue'].forEach(del); queue = []; userId = null; },
    flush: flush
  };

  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') beacon(); });
  w.addEventListener('pagehide', beacon);

  // Calls made before the script loaded wait in shoppulse.q; replay them, then take calls directly.
  var pending = (w.shoppulse && w.shoppulse.q) || [];
  w.shoppulse = function (name) {
    var f = api[name];
    if (f) return f.apply(null, Array.prototype.slice.call(arguments, 1));
  };
  var script = d.currentScript;
  if (script && script.getAttribute('data-write-key')) {
    api.init({ writeKey: script.getAttribute('data-write-key'), endpoint: script.getAttribute('data-endpoint') || script.src.replace(/\/shoppulse\.js.*$/, '') });
  }
  pending.forEach(function (args) { w.shoppulse.apply(null, args); });
})(window, document);
