package io.shoppulse.analytics.spark.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.Copy;
import io.shoppulse.analytics.spark.sink.DeadLetters;
import io.shoppulse.analytics.spark.sink.DeadLetters.DeadLetter;
import io.shoppulse.analytics.spark.sink.Products;
import org.apache.spark.sql.Row;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes one batch of catalog events: stock levels (a version only replaces an older one, so late and redelivered
 * changes are harmless), {@code sold_out} alerts, product names, dead letters. The caller owns the transaction and
 * the batch record.
 */
public final class StockSink {

    static final String INVENTORY_CHANGED = "catalog.inventory.changed";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stock level as one catalog event left it. */
    record Change(UUID tenant, String sku, String location, Long onHand, Long reserved, long available, long version,
            Instant occurredAt, Instant updatedAt) {
    }

    private record Key(UUID tenant, String sku, String location) {
    }

    private record Level(long available, long version) {
    }

    /** What a batch changed, for logs and tests. */
    public record Result(int changes, int levels, int products, int alerts, int deadLetters) {
    }

    private final List<Change> changes = new ArrayList<>();
    private final List<Products.Info> products = new ArrayList<>();
    private final List<DeadLetter> dead = new ArrayList<>();

    /** Sorts the query's rows (see {@link StockJob#parse}) once, before the transaction that may be retried. */
    public StockSink(List<Row> rows) {
        for (Row r : rows) {
            if (r.getAs("problem") != null) {
                dead.add(new DeadLetter(r.getAs("topic"), r.<Integer>getAs("kafka_partition"),
                        r.<Long>getAs("kafka_offset"), r.getAs("problem"), r.getAs("raw")));
                continue;
            }
            UUID tenant = UUID.fromString(r.getAs("tenant_id"));
            Instant occurred = instant(r.getAs("occurred_at"));
            String type = r.getAs("type");
            if (INVENTORY_CHANGED.equals(type)) {
                Instant updated = instant(r.getAs("stock_updated_at"));
                changes.add(new Change(tenant, r.getAs("sku"), r.getAs("location"), r.getAs("on_hand"),
                        r.getAs("reserved"), r.<Long>getAs("available"), r.<Long>getAs("version"), occurred,
                        updated == null ? occurred : updated));
            } else if (type.startsWith("catalog.product.") || "catalog.price.set".equals(type)) {
                Instant updated = instant(r.getAs("product_updated_at"));
                products.add(new Products.Info(tenant, r.getAs("sku"), r.getAs("name"), r.getAs("brand"),
                        r.getAs("category"), updated == null ? occurred : updated));
            }
            // Other event types carry nothing this query keeps.
        }
    }

    public Result write(Connection c) throws SQLException {
        Products.upsert(c, products);
        Map<Key, List<Change>> byKey = new LinkedHashMap<>();
        for (Change ch : changes) {
            byKey.computeIfAbsent(new Key(ch.tenant(), ch.sku(), ch.location()), k -> new ArrayList<>()).add(ch);
        }
        Map<Key, Level> stored = stored(c, byKey.keySet());
        List<Change> newest = new ArrayList<>();
        List<Alerts.Alert> alerts = new ArrayList<>();
        for (Map.Entry<Key, List<Change>> e : byKey.entrySet()) {
            // Versions in order, whatever order Kafka's partitions and retries delivered them in.
            List<Change> ordered = new ArrayList<>(e.getValue());
            ordered.sort(Comparator.comparingLong(Change::version));
            Level level = stored.get(e.getKey());
            Change last = null;
            for (Change ch : ordered) {
                if (level != null && ch.version() <= level.version()) {
                    continue;
                }
                if (ch.available() <= 0 && (level == null || level.available() > 0)) {
                    alerts.add(soldOut(c, ch, level));
                }
                level = new Level(ch.available(), ch.version());
                last = ch;
            }
            if (last != null) {
                newest.add(last);
            }
        }
        writeLevels(c, newest);
        int raised = Alerts.store(c, alerts);
        DeadLetters.write(c, StockJob.QUERY, dead);
        return new Result(changes.size(), newest.size(), products.size(), raised, dead.size());
    }

    private static Map<Key, Level> stored(Connection c, Iterable<Key> keys) throws SQLException {
        Map<Key, Level> levels = new HashMap<>();
        Copy copy = new Copy();
        keys.forEach(k -> copy.row(k.tenant(), k.sku(), k.location()));
        if (copy.count() == 0) {
            return levels;
        }
        copy.into(c, "tmp_stock_keys", "tenant_id uuid, sku text, location text");
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT s.tenant_id, s.sku, "
                        + "s.location, s.available, s.version FROM stock_levels s JOIN tmp_stock_keys k "
                        + "ON k.tenant_id = s.tenant_id AND k.sku = s.sku AND k.location = s.location")) {
            while (rs.next()) {
                levels.put(new Key(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)),
                        new Level(rs.getLong(4), rs.getLong(5)));
            }
        }
        return levels;
    }

    private static void writeLevels(Connection c, List<Change> newest) throws SQLException {
        if (newest.isEmpty()) {
            return;
        }
        Copy copy = new Copy();
        for (Change ch : newest) {
            copy.row(ch.tenant(), ch.sku(), ch.location(), ch.available(), ch.version(), ch.updatedAt());
        }
        copy.into(c, "tmp_stock", "tenant_id uuid, sku text, location text, available bigint, version bigint, "
                + "updated_at timestamptz");
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO stock_levels (tenant_id, sku, location, available, version, updated_at) "
                    + "SELECT tenant_id, sku, location, available, version, updated_at FROM tmp_stock "
                    + "ON CONFLICT (tenant_id, sku, location) DO UPDATE SET available = excluded.available, "
                    + "version = excluded.version, updated_at = excluded.updated_at "
                    + "WHERE stock_levels.version < excluded.version");
        }
    }

    /** The alert, with what a person needs to act: the product, the levels and how fast it has been selling. */
    private static Alerts.Alert soldOut(Connection c, Change ch, Level before) throws SQLException {
        String name = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM products WHERE tenant_id = ? AND item_id = ?")) {
            ps.setObject(1, ch.tenant());
            ps.setString(2, ch.sku());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    name = rs.getString(1);
                }
            }
        }
        ObjectNode details = JSON.createObjectNode();
        details.put("sku", ch.sku());
        details.put("location", ch.location());
        if (name != null) {
            details.put("name", name);
        }
        if (before == null) {
            details.putNull("previous_available");
        } else {
            details.put("previous_available", before.available());
        }
        details.put("available", ch.available());
        details.put("on_hand", ch.onHand());
        details.put("reserved", ch.reserved());
        details.put("version", ch.version());
        Long sold = unitsSold(c, ch);
        if (sold != null) {
            details.put("units_sold_24h", sold);
        }
        String product = name == null ? ch.sku() : name + " (" + ch.sku() + ")";
        return new Alerts.Alert(ch.tenant(), "sold_out:" + ch.sku() + ":" + ch.location() + ":" + ch.version(),
                "sold_out", "warning", ch.occurredAt(), "Sold out: " + product + " at " + ch.location(),
                details.toString());
    }

    /**
     * Units sold in the 24 hours up to the change. Sales come from the orders query: until it has written anything
     * for the tenant, no figure is better than a 0 that means nothing.
     */
    private static Long unitsSold(Connection c, Change ch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM product_sales_hour WHERE "
                + "tenant_id = ?), (SELECT coalesce(sum(units), 0) FROM product_sales_hour WHERE tenant_id = ? AND "
                + "item_id = ? AND bucket > ?::timestamptz - interval '24 hours' AND bucket <= ?::timestamptz)")) {
            Timestamp at = Timestamp.from(ch.occurredAt());
            ps.setObject(1, ch.tenant());
            ps.setObject(2, ch.tenant());
            ps.setString(3, ch.sku());
            ps.setTimestamp(4, at);
            ps.setTimestamp(5, at);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? rs.getLong(2) : null;
            }
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        return (Instant) value;
    }
}
