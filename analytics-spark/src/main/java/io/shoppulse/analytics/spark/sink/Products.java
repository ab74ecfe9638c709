package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
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

    public static void upsert(Connection c, Collection<Info> products) throws SQLException {
        if (products.isEmpty()) {
            return;
        }
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
}
