package io.shoppulse.catalog.service;

import io.shoppulse.catalog.config.CatalogConfig;
import io.shoppulse.catalog.model.Category;
import io.shoppulse.catalog.model.CategoryInput;
import io.shoppulse.catalog.model.PriceInput;
import io.shoppulse.catalog.model.Product;
import io.shoppulse.catalog.model.ProductInput;
import io.shoppulse.catalog.model.ProductPage;
import io.shoppulse.catalog.model.ProductStatus;
import io.shoppulse.catalog.model.Stock;
import io.shoppulse.catalog.model.StockInput;
import io.shoppulse.catalog.repository.CatalogRepository;
import io.shoppulse.common.jdbc.Transactions;
import io.shoppulse.outbox.OutboxWriter;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Catalog commands and queries, each one database transaction. Every change writes its outbox event in the same
 * transaction, before the change itself: a change the database refuses (an unknown category) takes its event with
 * it. Changes to something that exists need the caller's ETag ({@link Preconditions}); a write that would change
 * nothing succeeds without one and writes no event.
 */
@ApplicationScoped
public class CatalogService {

    public static final String PRODUCT_UPSERTED = "catalog.product.upserted";
    public static final String PRODUCT_ARCHIVED = "catalog.product.archived";
    public static final String PRICE_SET = "catalog.price.set";
    public static final String INVENTORY_CHANGED = "catalog.inventory.changed";

    private final Transactions tx;
    private final CatalogRepository catalog;
    private final CatalogConfig config;
    private final OutboxWriter outbox;
    private final Clock clock = Clock.systemUTC();

    public CatalogService(Transactions tx, CatalogRepository catalog, CatalogConfig config, OutboxWriter outbox) {
        this.tx = tx;
        this.catalog = catalog;
        this.config = config;
        this.outbox = outbox;
    }

    /** A write's outcome: whether it made the thing, and the thing as it now is. */
    public record Written<T>(boolean created, T value) {
    }

    public Product product(UUID tenant, String sku) {
        CatalogRules.sku(sku);
        return tx.inTransaction(c -> withPrices(c, tenant, catalog.product(c, tenant, sku, false)
                .orElseThrow(() -> productNotFound(sku))));
    }

    /** Creates the product (201) or replaces it (200, needs If-Match); prices and stock are not touched. */
    public Written<Product> putProduct(UUID tenant, String sku, ProductInput input, Preconditions pre) {
        CatalogRules.sku(sku);
        if (input == null) {
            throw ProblemException.badRequest("body", "a product is required");
        }
        ProductStatus status = CatalogRules.product(sku, input);
        return tx.inTransaction(c -> {
            Instant now = now();
            var current = catalog.product(c, tenant, sku, true);
            if (current.isEmpty()) {
                pre.requireAbsent(sku);
                Product made = new Product(sku, input.name(), input.description(), input.category(), input.brand(),
                        CatalogRules.attributesOf(input), images(input), status, Map.of(), 1, now, now);
                publish(c, tenant, sku, PRODUCT_UPSERTED, Map.of("product", made));
                if (!insert(c, tenant, made)) {
                    throw new Transactions.Retry();
                }
                return new Written<>(true, made);
            }
            Product stored = withPrices(c, tenant, current.get());
            Product wanted = new Product(sku, input.name(), input.description(), input.category(), input.brand(),
                    CatalogRules.attributesOf(input), images(input), status, stored.prices(), stored.version() + 1,
                    stored.createdAt(), now);
            pre.requirePresent(sku);
            if (wanted.sameContent(stored)) {
                return new Written<>(false, stored);
            }
            pre.requireMatch(sku, stored.version());
            publish(c, tenant, sku, PRODUCT_UPSERTED, Map.of("product", wanted));
            update(c, tenant, wanted);
            return new Written<>(false, wanted);
        });
    }

    /** Archives the product (it stays readable, with status archived); archiving it again changes nothing. */
    public Product archive(UUID tenant, String sku, Preconditions pre) {
        CatalogRules.sku(sku);
        return tx.inTransaction(c -> {
            Product stored = withPrices(c, tenant,
                    catalog.product(c, tenant, sku, true).orElseThrow(() -> productNotFound(sku)));
            if (stored.status() == ProductStatus.ARCHIVED) {
                return stored;
            }
            pre.requireMatch(sku, stored.version());
            Product archived = new Product(sku, stored.name(), stored.description(), stored.category(),
                    stored.brand(), stored.attributes(), stored.images(), ProductStatus.ARCHIVED, stored.prices(),
                    stored.version() + 1, stored.createdAt(), now());
            publish(c, tenant, sku, PRODUCT_ARCHIVED, Map.of("product", archived));
            catalog.updateProduct(c, tenant, archived);
            return archived;
        });
    }

    /** Sets the product's price in one currency: a price is part of the product, so it counts up its version. */
    public Written<Product> putPrice(UUID tenant, String sku, String currencyCode, PriceInput input,
            Preconditions pre) {
        CatalogRules.sku(sku);
        Currency currency = CatalogRules.currency(currencyCode);
        if (input == null) {
            throw ProblemException.badRequest("body", "a price {amount} is required");
        }
        BigDecimal amount = CatalogRules.amount(input, currency);
        return tx.inTransaction(c -> {
            Product stored = withPrices(c, tenant,
                    catalog.product(c, tenant, sku, true).orElseThrow(() -> productNotFound(sku)));
            BigDecimal before = stored.prices().get(currency.getCurrencyCode());
            if (before != null && before.compareTo(amount) == 0) {
                return new Written<>(false, stored);
            }
            pre.requireMatch(sku, stored.version());
            Instant now = now();
            Map<String, BigDecimal> prices = new TreeMap<>(stored.prices());
            prices.put(currency.getCurrencyCode(), amount);
            Product priced = new Product(sku, stored.name(), stored.description(), stored.category(), stored.brand(),
                    stored.attributes(), stored.images(), stored.status(), prices, stored.version() + 1,
                    stored.createdAt(), now);
            Map<String, Object> price = new LinkedHashMap<>();
            price.put("currency", currency.getCurrencyCode());
            price.put("amount", amount);
            price.put("previous_amount", before);
            publish(c, tenant, sku, PRICE_SET, Map.of("price", price, "product", priced));
            catalog.upsertPrice(c, tenant, sku, currency.getCurrencyCode(), amount, now);
            catalog.updateProduct(c, tenant, priced);
            return new Written<>(before == null, priced);
        });
    }

    public List<Stock> stocks(UUID tenant, String sku) {
        CatalogRules.sku(sku);
        return tx.inTransaction(c -> {
            catalog.product(c, tenant, sku, false).orElseThrow(() -> productNotFound(sku));
            return catalog.stocks(c, tenant, sku);
        });
    }

    public Stock stock(UUID tenant, String sku, String location) {
        CatalogRules.sku(sku);
        CatalogRules.location(location);
        return tx.inTransaction(c -> catalog.stock(c, tenant, sku, location, false)
                .orElseThrow(() -> stockNotFound(sku, location)));
    }

    /** Creates (201) or replaces (200, needs If-Match of the stock level) a product's stock at one location. */
    public Written<Stock> putStock(UUID tenant, String sku, String location, StockInput input, Preconditions pre) {
        CatalogRules.sku(sku);
        CatalogRules.location(location);
        if (input == null) {
            throw ProblemException.badRequest("body", "a stock level {on_hand, reserved} is required");
        }
        CatalogRules.stock(input);
        int onHand = input.onHand();
        int reserved = input.reserved() == null ? 0 : input.reserved();
        return tx.inTransaction(c -> {
            catalog.product(c, tenant, sku, false).orElseThrow(() -> productNotFound(sku));
            Instant now = now();
            var current = catalog.stock(c, tenant, sku, location, true);
            if (current.isEmpty()) {
                pre.requireAbsent(sku + "@" + location);
                Stock made = new Stock(sku, location, onHand, reserved, onHand - reserved, 1, now);
                publish(c, tenant, sku + "@" + location, INVENTORY_CHANGED, Map.of("inventory", made));
                if (!catalog.insertStock(c, tenant, made)) {
                    throw new Transactions.Retry();
                }
                return new Written<>(true, made);
            }
            Stock stored = current.get();
            pre.requirePresent(sku + "@" + location);
            if (stored.onHand() == onHand && stored.reserved() == reserved) {
                return new Written<>(false, stored);
            }
            pre.requireMatch(sku + "@" + location, stored.version());
            Stock changed = new Stock(sku, location, onHand, reserved, onHand - reserved, stored.version() + 1, now);
            publish(c, tenant, sku + "@" + location, INVENTORY_CHANGED, Map.of("inventory", changed));
            catalog.updateStock(c, tenant, changed);
            return new Written<>(false, changed);
        });
    }

    /**
     * One page of products. {@code q} is a web-search query ("running shoes", "trail -waterproof", "\"red shoe\"");
     * {@code category} a path prefix; {@code brand} exact. The cursor is the position after the last product shown.
     */
    public ProductPage list(UUID tenant, String q, String category, String brand, String status, String cursor,
            Integer limit) {
        int size = limit == null ? config.defaultPageSize() : limit;
        if (size < 1 || size > config.maxPageSize()) {
            throw ProblemException.badRequest("limit", "must be between 1 and " + config.maxPageSize());
        }
        String query = q == null || q.isBlank() ? null : q.strip();
        if (query != null && query.length() > 500) {
            throw ProblemException.badRequest("q", "must be at most 500 characters");
        }
        ProductStatus wanted = null;
        if (status != null && !status.isBlank()) {
            wanted = ProductStatus.parse(status);
            if (wanted == null) {
                throw ProblemException.badRequest("status", "must be active or archived");
            }
        }
        String prefix = category == null || category.isBlank() ? null : CatalogRules.categoryFilter(category);
        String brandFilter = brand == null || brand.isBlank() ? null : brand;
        CatalogRepository.After after = cursor == null || cursor.isBlank() ? null : decode(cursor, query != null);
        CatalogRepository.Filter filter = new CatalogRepository.Filter(query, prefix, brandFilter, wanted);
        return tx.inTransaction(c -> {
            List<CatalogRepository.Ranked> found = catalog.list(c, tenant, filter, after, size + 1);
            List<CatalogRepository.Ranked> page = found.subList(0, Math.min(size, found.size()));
            Map<String, Map<String, BigDecimal>> prices = catalog.prices(c, tenant,
                    page.stream().map(r -> r.product().sku()).toList());
            List<Product> items = new ArrayList<>();
            for (CatalogRepository.Ranked r : page) {
                items.add(r.product().withPrices(prices.getOrDefault(r.product().sku(), Map.of())));
            }
            String next = found.size() > size ? encode(page.get(page.size() - 1), query != null) : null;
            return new ProductPage(items, next);
        });
    }

    /** The tenant's category tree: top-level categories, each with its children, by path. */
    public List<Category> categories(UUID tenant) {
        return tx.inTransaction(c -> tree(catalog.categories(c, tenant)));
    }

    /**
     * Creates the categories or renames them (a parent may come in the same request) and answers the whole tree.
     * Categories are never deleted here: products refer to them.
     */
    public List<Category> putCategories(UUID tenant, List<CategoryInput> input) {
        CatalogRules.categories(input);
        return tx.inTransaction(c -> {
            catalog.upsertCategories(c, tenant, input, now());
            Map<String, String> all = catalog.categories(c, tenant);
            List<FieldError> orphans = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                String parent = CatalogRules.parentOf(input.get(i).path());
                if (parent != null && !all.containsKey(parent)) {
                    orphans.add(new FieldError("[" + i + "].path", "its parent " + parent
                            + " is neither a category nor in this request"));
                }
            }
            if (!orphans.isEmpty()) {
                throw ProblemException.badRequest("The categories are not valid.", orphans);
            }
            return tree(all);
        });
    }

    private static List<Category> tree(Map<String, String> all) {
        Map<String, List<Category>> children = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>(all.keySet());
        // Deepest first, so each node is built after its children.
        paths.sort((a, b) -> Long.compare(depth(b), depth(a)) != 0
                ? Long.compare(depth(b), depth(a))
                : a.compareTo(b));
        Map<String, Category> built = new TreeMap<>();
        for (String path : paths) {
            List<Category> mine = children.getOrDefault(path, List.of());
            Category node = new Category(path, all.get(path), mine.stream()
                    .sorted((x, y) -> x.path().compareTo(y.path())).toList());
            built.put(path, node);
            String parent = CatalogRules.parentOf(path);
            if (parent != null) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(node);
            }
        }
        return built.values().stream().filter(n -> CatalogRules.parentOf(n.path()) == null).toList();
    }

    private static long depth(String path) {
        return path.chars().filter(ch -> ch == '/').count();
    }

    private Product withPrices(Connection c, UUID tenant, Product p) throws SQLException {
        return p.withPrices(catalog.prices(c, tenant, List.of(p.sku())).getOrDefault(p.sku(), Map.of()));
    }

    private boolean insert(Connection c, UUID tenant, Product p) throws SQLException {
        try {
            return catalog.insertProduct(c, tenant, p);
        } catch (SQLException e) {
            throw unknownCategory(e, p);
        }
    }

    private void update(Connection c, UUID tenant, Product p) throws SQLException {
        try {
            catalog.updateProduct(c, tenant, p);
        } catch (SQLException e) {
            throw unknownCategory(e, p);
        }
    }

    /** The category foreign key, refused by the database, as the 400 it is; any other failure as it is. */
    private static SQLException unknownCategory(SQLException e, Product p) {
        if ("23503".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("products_category_known")) {
            throw ProblemException.badRequest("The product is not valid.", List.of(new FieldError("category",
                    "is not one of your categories (" + p.category() + "); create it with PUT /v1/categories")));
        }
        return e;
    }

    /**
     * The outbox event: what happened and the state it led to; consumers deduplicate by event_id. The aggregate is
     * the product, or {@code sku@location} for stock: shop.catalog.v1 is compacted by key, so stock must not share
     * the product's key (compaction would keep only the newest of the two).
     */
    private void publish(Connection c, UUID tenant, String aggregate, String type, Map<String, Object> state)
            throws SQLException {
        outbox.append(c, tenant, aggregate, type, new TreeMap<>(state));
    }

    private static List<String> images(ProductInput input) {
        return input.images() == null ? List.of() : List.copyOf(input.images());
    }

    /** Now, at PostgreSQL's precision, so what is answered is exactly what is stored. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String encode(CatalogRepository.Ranked last, boolean search) {
        String position = search ? "r" + last.rank() + "|" + last.product().sku() : "s|" + last.product().sku();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static CatalogRepository.After decode(String cursor, boolean search) {
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = position.indexOf('|');
            if (bar > 0 && search == position.startsWith("r")) {
                String sku = CatalogRules.sku(position.substring(bar + 1));
                float rank = search ? Float.parseFloat(position.substring(1, bar)) : 0f;
                if (Float.isFinite(rank)) {
                    return new CatalogRepository.After(rank, sku);
                }
            }
        } catch (IllegalArgumentException | ProblemException e) {
            // answered below
        }
        throw ProblemException.badRequest("cursor", "is not a cursor of this listing; use next_cursor as given");
    }

    static ProblemException productNotFound(String sku) {
        return new ProblemException(404, "product-not-found", "Product not found",
                "No product " + sku + " in your tenant.", List.of(new FieldError("sku", "not found")), null);
    }

    static ProblemException stockNotFound(String sku, String location) {
        return new ProblemException(404, "stock-not-found", "Stock level not found",
                "No stock of " + sku + " at " + location + " in your tenant.",
                List.of(new FieldError("location", "not found")), null);
    }
}
