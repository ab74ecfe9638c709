package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the streams learn about products (name, brand, category path) into analytics.products, from events' items
 * and from the catalog alike: the newer news wins, and a field it leaves out keeps what was known.
 */
public final class Products {

    /** A product as one record described it, at {@code updatedAt}. */
    public record Info(UUID tenant, String itemId, String name, String brand, String category, Instant updatedAt) {
    }

    private Products() {
    }

    public static void upsert(Connection c, Collection<Info> described) throws SQLException {
        if (described.isEmpty()) {
            return;
        }
        // One row per product: the driver sends the batch as one multi-row INSERT, in which PostgreSQL refuses to
        // update a row twice. Descriptions fold in time order, as the upsert would apply them one by one.
        Map<String, Info> folded = new LinkedHashMap<>();
        described.stream().sorted(Comparator.comparing(Info::updatedAt)).forEach(p -> folded.merge(p.tenant()
                + "\u0000" + p.itemId(), p,
                (old, now) -> new Info(now.tenant(), now.itemId(), or(now.name(), old
                        .name()), or(now.brand(), old.brand()), or(now.category(), old.category()), now.updatedAt())));
        Collection<Info> products = folded.values();
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO products (tenant_id, item_id, name, brand, "
                + "category, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, item_id) DO UPDATE SET "
                + "name = coalesce(excluded.name, products.name), brand = coalesce(excluded.brand, products.brand), "
                + "category = coalesce(excluded.category, products.category), updated_at = excluded.updated_at "
                + "WHERE products.updated_at <= excluded.updated_at")) {
            for (Info p : products) {
                upsert.setObject(1, p.tenant());
                upsert.setString(2, p.itemId());
                upsert.setString(3, p.name());
                upsert.setString(4, p.brand());
                upsert.setString(5, p.category());
                upsert.setTimestamp(6, Timestamp.from(p.updatedAt()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static String or(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
