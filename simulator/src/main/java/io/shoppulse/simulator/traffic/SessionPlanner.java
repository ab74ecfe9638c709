package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.model.Ids;
import io.shoppulse.simulator.model.Item;
import io.shoppulse.simulator.model.Money;
import io.shoppulse.simulator.model.OrderMessages;
import io.shoppulse.simulator.model.Product;
import io.shoppulse.simulator.shop.Channel;
import io.shoppulse.simulator.shop.Shop;
import io.shoppulse.simulator.shop.Visitor;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Plans one visit as a small state machine over the shop's pages: a landing page (home, a category, a product or a
 * search, depending on the channel), then browsing (lists, products, search), adding to and removing from the cart,
 * and for some a checkout funnel (begin_checkout → add_shipping_info → add_payment_info → purchase) that many leave
 * half-way. The probabilities give an average shop: about half the visits see one page, ~9 % put something in the
 * cart, ~70 % of carts are abandoned, so ~2.5 % of visits buy (more for returning visitors, email and desktop; less
 * for social and phones). SessionPlannerTest holds these rates.
 */
public final class SessionPlanner {

    private static final double BOUNCE = 0.32;
    private static final double ADD_TO_CART = 0.064;
    private static final double BEGIN_CHECKOUT = 0.72;
    private static final double SHIPPING_INFO = 0.80;
    private static final double PAYMENT_INFO = 0.86;
    private static final double PURCHASE = 0.88;
    private static final int MAX_PAGES = 30;
    private static final String[] SHIPPING_TIERS = {"standard", "standard", "standard", "express"};
    private static final String[] PAYMENT_TYPES = {"card", "card", "paypal", "apple_pay", "klarna"};
    private static final String[] SEARCH_WORDS = {"waterproof", "light", "warm", "gift", "sale", "black", "new",
            "kids", "travel", "organic"};

    private enum Page {
        HOME, CATEGORY, SEARCH, PRODUCT, CART, EXIT
    }

    private final Duration meanThink;

    public SessionPlanner(Duration meanThink) {
        this.meanThink = meanThink;
    }

    /** A visit of {@code visitor} to {@code shop} starting at {@code start}, decided by {@code random} alone. */
    public SessionPlan plan(Shop shop, Visitor visitor, RandomGenerator random, Instant start) {
        return new Visit(shop, visitor, random, start.truncatedTo(ChronoUnit.MILLIS)).play();
    }

    private final class Visit {
        private final Shop shop;
        private final Visitor visitor;
        private final RandomGenerator random;
        private final String sessionId;
        private final String currency;
        private final Channel channel;
        private final Event.Consent consent;
        private final double propensity;
        private final Map<String, Item> cart = new LinkedHashMap<>();
        private final List<SessionPlan.Step> steps = new ArrayList<>();
        private final List<Event> pending = new ArrayList<>();
        private Instant now;
        private String userId;
        private String referrer;
        private String url;
        private List<Item> lastList = List.of();
        private String lastListId;
        private OrderMessages.Placed order;
        private boolean justAdded;

        Visit(Shop shop, Visitor visitor, RandomGenerator random, Instant start) {
            this.shop = shop;
            this.visitor = visitor;
            this.random = random;
            this.now = start;
            this.sessionId = Ids.uuid(random);
            this.currency = shop.currency();
            boolean returning = visitor.visits() > 1;
            this.channel = returning && random.nextDouble() < 0.35 ? Channel.DIRECT : Channel.draw(random.nextDouble());
            this.consent = new Event.Consent(true, visitor.consentsToMarketing());
            this.propensity = channel.conversionFactor() * visitor.device().conversionFactor()
                    * (returning ? 1.35 : 0.9) * (visitor.customerId() != null ? 1.2 : 1.0);
            this.referrer = channel.referrer();
        }

        SessionPlan play() {
            if (visitor.customerId() != null && random.nextDouble() < 0.45) {
                userId = visitor.customerId();
            }
            Page page = land();
            int pages = 1;
            if (random.nextDouble() < BOUNCE) {
                page = Page.EXIT;
            }
            while (page != Page.EXIT && pages < MAX_PAGES) {
                think(1.0);
                page = switch (page) {
                    case HOME, CATEGORY, SEARCH -> fromList();
                    case PRODUCT -> fromProduct();
                    case CART -> fromCart();
                    case EXIT -> Page.EXIT;
                };
                pages++;
            }
            flush();
            return new SessionPlan(shop, visitor, sessionId, List.copyOf(steps));
        }

        private Page land() {
            if (userId != null) {
                pending.add(event("login").method(random.nextDouble() < 0.7 ? "email" : "google").build());
            }
            double u = random.nextDouble();
            if (channel == Channel.ORGANIC_SEARCH || channel == Channel.PAID_SEARCH) {
                return u < 0.5 ? product(shop.catalog().popular(random), null) : u < 0.85 ? category() : home();
            }
            if (channel == Channel.EMAIL || channel == Channel.SOCIAL || channel == Channel.DISPLAY) {
                return u < 0.6 ? product(shop.catalog().popular(random), null) : category();
            }
            return u < 0.45
                    ? home()
                    : u < 0.75
                            ? category()
                            : u < 0.9
                                    ? search()
                                    : product(shop.catalog().popular(
                                            random), null);
        }

        private Page fromList() {
            double u = random.nextDouble();
            if (u < 0.62 && !lastList.isEmpty()) {
                // Shoppers pick near the top of a list.
                double v = random.nextDouble();
                Item chosen = lastList.get((int) (v * v * lastList.size()));
                return product(productOf(chosen), chosen);
            }
            if (u < 0.74) {
                return category();
            }
            if (u < 0.80) {
                return search();
            }
            if (u < 0.84 && !cart.isEmpty()) {
                return viewCart();
            }
            return leave();
        }

        private Page fromProduct() {
            if (justAdded && random.nextDouble() < 0.45) {
                justAdded = false;
                return viewCart(); // the "view cart" button after adding
            }
            justAdded = false;
            double u = random.nextDouble();
            if (u < 0.32) {
                return product(shop.catalog().popular(random), null); // a recommendation or the back button
            }
            if (u < 0.55) {
                return category();
            }
            if (u < 0.62) {
                return search();
            }
            if (u < 0.70 && !cart.isEmpty()) {
                return viewCart();
            }
            return leave();
        }

        private Page fromCart() {
            if (cart.isEmpty()) {
                return random.nextDouble() < 0.5 ? category() : Page.EXIT;
            }
            if (random.nextDouble() < BEGIN_CHECKOUT) {
                checkout();
                return Page.EXIT;
            }
            return random.nextDouble() < 0.4 ? category() : Page.EXIT;
        }

        /** About to go: a shopper with a cart often looks at it first. */
        private Page leave() {
            if (!cart.isEmpty() && random.nextDouble() < 0.55) {
                return viewCart();
            }
            return Page.EXIT;
        }

        private Page home() {
            String path = "/";
            view(path, "Home");
            List<Item> featured = topItems(shop.catalog().products(), 8);
            pending.add(event("view_item_list").list("home-featured", "Featured").items(featured).build());
            lastList = featured;
            lastListId = "home-featured";
            return Page.HOME;
        }

        private Page category() {
            String category = shop.catalog().popularCategory(random);
            String id = "cat-" + category.toLowerCase().replace('/', '-');
            view("/c/" + category.toLowerCase(), category.replace('/', ' '));
            List<Item> shown = topItems(shop.catalog().inCategory(category), 12);
            pending.add(event("view_item_list").list(id, category.replace('/', ' ')).items(shown).build());
            lastList = shown;
            lastListId = id;
            return Page.CATEGORY;
        }

        private Page search() {
            Product target = shop.catalog().popular(random);
            String noun = target.name().split(" ")[0].toLowerCase();
            String term = random.nextDouble() < 0.5
                    ? noun
                    : SEARCH_WORDS[random.nextInt(SEARCH_WORDS.length)] + " " + noun;
            String query = term.replace(' ', '+');
            view("/search?q=" + query, "Search");
            pending.add(event("search").searchTerm(term).build());
            List<Product> hits = shop.catalog().products().stream()
                    .filter(p -> p.name().toLowerCase().contains(noun)).limit(10).toList();
            if (!hits.isEmpty()) {
                List<Item> shown = topItems(hits, 10);
                pending.add(event("view_item_list").list("search", "Search results").items(shown).build());
                lastList = shown;
                lastListId = "search";
            } else {
                lastList = List.of();
            }
            return Page.SEARCH;
        }

        private Page product(Product p, Item fromList) {
            if (fromList != null) {
                pending.add(event("select_item").list(lastListId, null).items(List.of(fromList)).build());
            }
            view("/p/" + p.slug(), p.name());
            Item item = Item.of(p, 1);
            pending.add(event("view_item").items(List.of(item)).value(p.price()).build());
            if (random.nextDouble() < Math.min(0.6, ADD_TO_CART * propensity)) {
                think(0.5);
                int quantity = quantity(p);
                Item added = Item.of(p, quantity);
                pending.add(event("add_to_cart").items(List.of(added)).value(lineValue(added)).build());
                cart.merge(p.sku(), added, (a, b) -> Item.of(p, a.quantity() + b.quantity()));
                justAdded = true;
            }
            return Page.PRODUCT;
        }

        private Page viewCart() {
            view("/cart", "Cart");
            List<Item> lines = List.copyOf(cart.values());
            pending.add(event("view_cart").items(lines).value(sum(lines)).build());
            if (random.nextDouble() < 0.18) {
                think(0.3);
                Item removed = lines.get(random.nextInt(lines.size()));
                pending.add(event("remove_from_cart").items(List.of(removed)).value(lineValue(removed)).build());
                cart.remove(removed.itemId());
            }
            return Page.CART;
        }

        /** The funnel; on a purchase the order is part of the last step. */
        private void checkout() {
            think(1.0);
            Shop.Coupon coupon = random.nextDouble() < (channel == Channel.EMAIL ? 0.45 : 0.12)
                    ? shop.coupons().get(random.nextInt(shop.coupons().size()))
                    : null;
            List<Item> lines = priced(coupon);
            String code = coupon == null ? null : coupon.code();
            view("/checkout", "Checkout");
            pending.add(event("begin_checkout").items(lines).value(sum(lines)).coupon(code).build());
            if (random.nextDouble() >= SHIPPING_INFO) {
                return;
            }
            think(1.5);
            String tier = SHIPPING_TIERS[random.nextInt(SHIPPING_TIERS.length)];
            view("/checkout/shipping", "Shipping");
            if (userId == null && random.nextDouble() < 0.3) {
                // An account made at checkout: sign_up names the new customer, and so does every later event.
                userId = "cust-" + Ids.uuid(random).substring(0, 13);
                visitor.becomeCustomer(userId);
                pending.add(event("sign_up").method("email").build());
            }
            pending.add(event("add_shipping_info").items(lines).value(sum(lines)).coupon(code).shippingTier(tier)
                    .build());
            if (random.nextDouble() >= PAYMENT_INFO) {
                return;
            }
            think(1.5);
            String payment = PAYMENT_TYPES[random.nextInt(PAYMENT_TYPES.length)];
            view("/checkout/payment", "Payment");
            pending.add(event("add_payment_info").items(lines).value(sum(lines)).coupon(code).paymentType(payment)
                    .build());
            if (random.nextDouble() >= PURCHASE) {
                return;
            }
            think(0.8);
            BigDecimal net = sum(lines);
            BigDecimal tax = Money.percentOf(net, shop.taxPercent(), currency);
            BigDecimal shipping = Shipping.fee(currency, tier, net);
            String orderId = "ord-" + Ids.uuid(random);
            List<OrderMessages.Line> orderLines = new ArrayList<>();
            for (Item line : lines) {
                BigDecimal unitDiscount = line.discount() == null ? Money.zero(currency) : line.discount();
                BigDecimal unitPrice = line.price().add(unitDiscount);
                orderLines.add(new OrderMessages.Line(line.itemId(), line.itemName(), line.quantity(), unitPrice,
                        unitDiscount.multiply(BigDecimal.valueOf(line.quantity()))));
            }
            view("/checkout/confirmation", "Thank you");
            order = new OrderMessages.Placed(orderId, now, currency, userId, visitor.anonymousId(), sessionId,
                    visitor.country(), orderLines, tax, shipping);
            pending.add(event("purchase").transactionId(orderId).items(lines).value(order.total()).tax(tax)
                    .shipping(shipping).coupon(code).build());
        }

        /** The cart at checkout: each unit's price after the coupon, the coupon's share per unit as discount. */
        private List<Item> priced(Shop.Coupon coupon) {
            List<Item> lines = new ArrayList<>();
            for (Item line : cart.values()) {
                if (coupon == null) {
                    lines.add(line);
                } else {
                    BigDecimal perUnit = Money.percentOf(line.price(), coupon.percent(), currency);
                    lines.add(new Item(line.itemId(), line.itemName(), line.itemBrand(), line.itemCategory(),
                            line.itemVariant(), line.price().subtract(perUnit), line.quantity(), perUnit,
                            coupon.code(), null));
                }
            }
            return lines;
        }

        /** A page is shown: the previous page's events leave first (a new page is a new flush of the tracker). */
        private void view(String path, String title) {
            flush();
            String previous = url;
            String query = steps.isEmpty() && url == null ? channel.query() : "";
            url = shop.baseUrl() + path + (query.isEmpty()
                    ? ""
                    : (path.contains("?") ? "&" : "?")
                            + query.substring(1));
            pending.add(event("page_view").page(new Event.Page(url, path, previous == null ? referrer : previous,
                    title)).build());
        }

        private void flush() {
            if (!pending.isEmpty()) {
                steps.add(new SessionPlan.Step(pending.get(0).timestamp(), List.copyOf(pending), order));
                pending.clear();
                order = null;
            }
        }

        /** The pause before the next action: log-normal around the mean, as reading times are. */
        private void think(double factor) {
            double sigma = 0.6;
            double mu = Math.log(meanThink.toMillis() * factor) - sigma * sigma / 2;
            long millis = (long) Math.exp(mu + sigma * random.nextGaussian());
            now = now.plusMillis(Math.max(50, Math.min(millis, meanThink.toMillis() * 10)));
        }

        private int quantity(Product p) {
            double u = random.nextDouble();
            int base = u < 0.85 ? 1 : u < 0.97 ? 2 : 3;
            return p.category().endsWith("Socks") ? base * 2 : base;
        }

        private List<Item> topItems(List<Product> products, int max) {
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < Math.min(max, products.size()); i++) {
                items.add(Item.of(products.get(i), 1).at(i));
            }
            return items;
        }

        private Product productOf(Item item) {
            return shop.catalog().products().stream().filter(p -> p.sku().equals(item.itemId())).findFirst()
                    .orElseThrow();
        }

        private BigDecimal lineValue(Item item) {
            return item.price().multiply(BigDecimal.valueOf(item.quantity()));
        }

        private BigDecimal sum(List<Item> items) {
            BigDecimal sum = Money.zero(currency);
            for (Item item : items) {
                sum = sum.add(lineValue(item));
            }
            return sum;
        }

        private EventBuilder event(String type) {
            // Events within one page are a few milliseconds apart, in order.
            now = now.plusMillis(5 + random.nextInt(60));
            return new EventBuilder(Ids.uuid(random), type, now, visitor.anonymousId(), sessionId, userId,
                    channel.utm(), consent, currency);
        }
    }
}
