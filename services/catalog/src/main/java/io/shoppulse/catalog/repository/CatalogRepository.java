package io.shoppulse.catalog.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoppulse.catalog.model.CategoryInput;
import io.shoppulse.catalog.model.Product;
import io.shoppulse.catalog.model.ProductStatus;
import io.shoppulse.catalog.model.Stock;
import io.shoppulse.catalog.service.CatalogRules;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The catalog schema in plain JDBC. Every method takes the caller's connection, so a command's reads, writes and
 * outbox event share one transaction, and every statement names the tenant.
 */
@ApplicationScoped
public class CatalogRepository {

    private static final String PRODUCT_COLUMNS = "sku, name, description, category, brand, attributes::text, images,"
            + " status, version, created_at, updated_at";
    private final ObjectMapper json;

    public CatalogRepository(ObjectMapper json) {
        this.json = json;
    }

    /** The product without its prices; with {@code lock}, its row is locked until the transaction ends. */
    public Optional<Product> product(Connection c, UUID tenant, String sku, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PRODUCT_COLUMNS
                + " FROM products WHERE tenant_id = ? AND sku = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, tenant);
            ps.setString(2, sku);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(product(rs)) : Optional.empty();
            }
        }
    }

    /** Creates the product; false when a concurrent request created it first. */
    public boolean insertProduct(Connection c, UUID tenant, Product p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (tenant_id, sku, name, description,"
                + " category, brand, attributes, images, status, version, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, tenant);
            ps.setString(2, p.sku());
            ps.setString(3, p.name());
            ps.setString(4, p.description());
            ps.setString(5, p.category());
            ps.setString(6, p.brand());
            ps.setString(7, write(p.attributes()));
            ps.setArray(8, c.createArrayOf("text", p.images().toArray()));
            ps.setString(9, p.status().value());
            ps.setLong(10, p.version());
            ps.setTimestamp(11, Timestamp.from(p.createdAt()));
            ps.setTimestamp(12, Timestamp.from(p.updatedAt()));
            return ps.executeUpdate() == 1;
        }
    }

    /** Writes the product's new content, whose version the caller has already counted up. */
    public void updateProduct(Connection c, UUID tenant, Product p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE products SET name = ?, description = ?, category = ?,"
                + " brand = ?, attributes = ?::jsonb, images = ?, status = ?, version = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND sku = ?")) {
            ps.setString(1, p.name());
            ps.setString(2, p.description());
            ps.setString(3, p.category());
            ps.setString(4, p.brand());
            ps.setString(5, write(p.attributes()));
            ps.setArray(6, c.createArrayOf("text", p.images().toArray()));
            ps.setString(7, p.status().value());
            ps.setLong(8, p.version());
            ps.setTimestamp(9, Timestamp.from(p.updatedAt()));
            ps.setObject(10, tenant);
            ps.setString(11, p.sku());
            ps.executeUpdate();
        }
    }

    /** Sets the product's price in one currency (made or replaced). */
    public void upsertPrice(Connection c, UUID tenant, String sku, String currency, BigDecimal amount, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO prices (tenant_id, sku, currency, amount,"
                + " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, sku, currency)"
                + " DO UPDATE SET amount = EXCLUDED.amount, updated_at = EXCLUDED.updated_at")) {
            ps.setObject(1, tenant);
            ps.setString(2, sku);
            ps.setString(3, currency);
            ps.setBigDecimal(4, amount);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /** The prices of these products: SKU to (currency to amount, at the currency's precision). */
    public Map<String, Map<String, BigDecimal>> prices(Connection c, UUID tenant, List<String> skus)
            throws SQLException {
        Map<String, Map<String, BigDecimal>> prices = new HashMap<>();
        if (skus.isEmpty()) {
            return prices;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT sku, currency, amount FROM prices"
                + " WHERE tenant_id = ? AND sku = ANY (?)")) {
            ps.setObject(1, tenant);
            ps.setArray(2, c.createArrayOf("text", skus.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    prices.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2),
                            CatalogRules.money(rs.getBigDecimal(3), rs.getString(2)));
                }
            }
        }
        return prices;
    }

    public Optional<Stock> stock(Connection c, UUID tenant, String sku, String location, boolean lock)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sku, location, on_hand, reserved, available, version,"
                + " updated_at FROM inventory WHERE tenant_id = ? AND sku = ? AND location = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, tenant);
            ps.setString(2, sku);
            ps.setString(3, location);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(stock(rs)) : Optional.empty();
            }
        }
    }

    /** The product's stock at every location, by location. */
    public List<Stock> stocks(Connection c, UUID tenant, String sku) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sku, location, on_hand, reserved, available, version,"
                + " updated_at FROM inventory WHERE tenant_id = ? AND sku = ? ORDER BY location")) {
            ps.setObject(1, tenant);
            ps.setString(2, sku);
            List<Stock> stocks = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stocks.add(stock(rs));
                }
            }
            return stocks;
        }
    }

    /** Creates the stock level; false when a concurrent request created it first. */
    public boolean insertStock(Connection c, UUID tenant, Stock s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inventory (tenant_id, sku, location, on_hand,"
                + " reserved, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            bindStock(ps, tenant, s);
            return ps.executeUpdate() == 1;
        }
    }

    public void updateStock(Connection c, UUID tenant, Stock s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE inventory SET on_hand = ?, reserved = ?, version = ?,"
                + " updated_at = ? WHERE tenant_id = ? AND sku = ? AND location = ?")) {
            ps.setInt(1, s.onHand());
            ps.setInt(2, s.reserved());
            ps.setLong(3, s.version());
            ps.setTimestamp(4, Timestamp.from(s.updatedAt()));
            ps.setObject(5, tenant);
            ps.setString(6, s.sku());
            ps.setString(7, s.location());
            ps.executeUpdate();
        }
    }

    /** Creates the categories or renames them; returns how many rows changed. */
    public int upsertCategories(Connection c, UUID tenant, List<CategoryInput> categories, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO categories (tenant_id, path, name, updated_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, path) DO UPDATE SET name = EXCLUDED.name,"
                + " updated_at = EXCLUDED.updated_at WHERE categories.name <> EXCLUDED.name")) {
            for (CategoryInput category : categories) {
                ps.setObject(1, tenant);
                ps.setString(2, category.path());
                ps.setString(3, category.name());
                ps.setTimestamp(4, Timestamp.from(at));
                ps.addBatch();
            }
            return Arrays.stream(ps.executeBatch()).sum();
        }
    }

    /** The tenant's categories, path to name, in path order (a parent before its children). */
    public Map<String, String> categories(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT path, name FROM categories WHERE tenant_id = ? ORDER BY path")) {
            ps.setObject(1, tenant);
            Map<String, String> categories = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    categories.put(rs.getString(1), rs.getString(2));
                }
            }
            return categories;
        }
    }

    /** What a listing asks for: every part but the tenant is optional. */
    public record Filter(String query, String categoryPrefix, String brand, ProductStatus status) {
    }

    /** A keyset position: the last product of the previous page (and its rank, when searching). */
    public record After(float rank, String sku) {
    }

    /** A product of a listing and, when searching, how well it matched. */
    public record Ranked(Product product, float rank) {
    }

    /**
     * Products matching the filter, after the keyset position when given: best match first and then by SKU when
     * searching (PostgreSQL full-text search, weighted name > brand > category > description), else by SKU.
     */
    public List<Ranked> list(Connection c, UUID tenant, Filter filter, After after, int limit) throws SQLException {
        boolean search = filter.query() != null;
        StringBuilder sql = new StringBuilder("SELECT * FROM (SELECT " + PRODUCT_COLUMNS + ", "
                + (search ? "ts_rank(search, query)" : "0::real") + " AS rank FROM products"
                + (search ? ", websearch_to_tsquery('english', ?) AS query" : "") + " WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>();
        if (search) {
            args.add(filter.query());
            sql.append(" AND search @@ query");
        }
        args.add(tenant);
        if (filter.categoryPrefix() != null) {
            // The category itself and everything below it: "apparel/shoes" holds "apparel/shoes/running" but not
            // "apparel/shoestrings". Paths allow '_', a LIKE wildcard, so it is escaped.
            sql.append(" AND (category = ? OR category LIKE ?)");
            args.add(filter.categoryPrefix());
            args.add(filter.categoryPrefix().replace("_", "\\_") + "/%");
        }
        if (filter.brand() != null) {
            sql.append(" AND brand = ?");
            args.add(filter.brand());
        }
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            args.add(filter.status().value());
        }
        sql.append(") AS matched");
        if (after != null) {
            if (search) {
                sql.append(" WHERE (rank < ? OR (rank = ? AND sku > ?))");
                args.add(after.rank());
                args.add(after.rank());
            } else {
                sql.append(" WHERE sku > ?");
            }
            args.add(after.sku());
        }
        sql.append(search ? " ORDER BY rank DESC, sku" : " ORDER BY sku").append(" LIMIT ?");
        args.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof Float f) {
                    ps.setFloat(i + 1, f);
                } else {
                    ps.setObject(i + 1, arg);
                }
            }
            List<Ranked> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Ranked(product(rs), rs.getFloat("rank")));
                }
            }
            return found;
        }
    }

    private Product product(ResultSet rs) throws SQLException {
        Array images = rs.getArray(7);
        return new Product(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                read(rs.getString(6)), List.of((String[]) images.getArray()), ProductStatus.parse(rs.getString(8)),
                Map.of(), rs.getLong(9), rs.getTimestamp(10).toInstant(), rs.getTimestamp(11).toInstant());
    }

    private static Stock stock(ResultSet rs) throws SQLException {
        return new Stock(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getLong(6),
                rs.getTimestamp(7).toInstant());
    }

    private static void bindStock(PreparedStatement ps, UUID tenant, Stock s) throws SQLException {
        ps.setObject(1, tenant);
        ps.setString(2, s.sku());
        ps.setString(3, s.location());
        ps.setInt(4, s.onHand());
        ps.setInt(5, s.reserved());
        ps.setLong(6, s.version());
        ps.setTimestamp(7, Timestamp.from(s.updatedAt()));
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored attributes are not JSON", e);
        }
    }
}
