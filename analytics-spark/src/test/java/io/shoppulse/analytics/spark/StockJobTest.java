package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.catalog.StockJob;
import io.shoppulse.analytics.spark.config.JobConfig;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.shoppulse.analytics.spark.SparkTestSupport.row;
import static io.shoppulse.analytics.spark.SparkTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stock query against the real Kafka and PostgreSQL, fed catalog events as the catalog's outbox writes them
 * (services/catalog/README.md "Outbox"), with the answers worked out by hand.
 */
class StockJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void runToEnd(JobConfig config) throws Exception {
        StockJob.start(SparkTestSupport.spark(config), config, true).awaitTermination();
    }

    /** {@code catalog.inventory.changed}, keyed tenant:sku@location as the relay keys it. */
    private static String[] stock(String tenant, String eventId, String at, String sku, String location, long onHand,
            long reserved, long version) {
        ObjectNode e = JSON.createObjectNode().put("event_id", eventId).put("type", "catalog.inventory.changed")
                .put("tenant_id", tenant).put("occurred_at", at);
        e.putObject("inventory").put("sku", sku).put("location", location).put("on_hand", onHand)
                .put("reserved", reserved).put("available", onHand - reserved).put("version", version)
                .put("updated_at", at);
        return new String[]{tenant + ":" + sku + "@" + location, e.toString()};
    }

    private static String[] product(String tenant, String at, String sku, String name, String category) {
        ObjectNode e = JSON.createObjectNode().put("event_id", UUID.randomUUID().toString())
                .put("type", "catalog.product.upserted").put("tenant_id", tenant).put("occurred_at", at);
        e.putObject("product").put("sku", sku).put("name", name).put("brand", "Northpeak").put("category", category)
                .put("status", "active").put("version", 1).put("created_at", at).put("updated_at", at);
        return new String[]{tenant + ":" + sku, e.toString()};
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    @Test
    void keepsTheNewestLevelAndRaisesSoldOutOnceWhenAvailableDropsToZero() throws Exception {
        JobConfig config = SparkTestSupport.config("stock");
        String t = UUID.randomUUID().toString();
        // Sales of SKU-1 from the orders query: 3 + 2 units in the 24 hours before the drop at 10:03, 5 before them.
        try (Connection c = SparkTestSupport.db(config); Statement st = c.createStatement()) {
            st.executeQuery("SELECT ensure_partitions('analytics.product_sales_hour', 'month', '2026-03-01', "
                    + "'2026-04-01')").close();
            st.executeUpdate("INSERT INTO product_sales_hour (tenant_id, bucket, item_id, currency, units, revenue) "
                    + "VALUES ('" + t + "', '2026-03-10T09:00:00Z', 'SKU-1', 'EUR', 3, 30), ('" + t + "', "
                    + "'2026-03-09T11:00:00Z', 'SKU-1', 'USD', 2, 22), ('" + t + "', '2026-03-09T10:00:00Z', "
                    + "'SKU-1', 'EUR', 5, 50)");
        }

        // Run 1: SKU-1 at main goes 5 -> 0 (two reserved), its drop sent twice (a redelivery); SKU-2 is first seen
        // at zero.
        String[] drop = stock(t, id(), "2026-03-10T10:03:00Z", "SKU-1", "main", 2, 2, 2);
        List<String[]> first = new ArrayList<>();
        first.add(product(t, "2026-03-10T10:00:00Z", "SKU-1", "Trail Runner", "Shoes/Running"));
        // Renamed a minute later, in the same batch and without a category: one row, the newer name, the category kept.
        first.add(product(t, "2026-03-10T10:01:00Z", "SKU-1", "Trail Runner 2", null));
        first.add(stock(t, id(), "2026-03-10T10:01:00Z", "SKU-1", "main", 5, 0, 1));
        first.add(drop);
        first.add(drop);
        first.add(stock(t, id(), "2026-03-10T10:02:00Z", "SKU-2", "main", 0, 0, 1));
        SparkTestSupport.send(config, config.topics().catalog(), first);
        runToEnd(config);

        String levels = "SELECT sku, location, available, version FROM stock_levels WHERE tenant_id = ?::uuid "
                + "ORDER BY sku";
        assertThat(rows(config, levels, t)).containsExactly(
                Map.of("sku", "SKU-1", "location", "main", "available", 0L, "version", 2L),
                Map.of("sku", "SKU-2", "location", "main", "available", 0L, "version", 1L));
        assertThat(row(config, "SELECT name, category FROM products WHERE tenant_id = ?::uuid AND item_id = 'SKU-1'",
                t)).containsEntry("name", "Trail Runner 2").containsEntry("category", "Shoes/Running");

        // Run 2: the drop once more, and version 1 (5 available) arriving after version 2: nothing changes.
        SparkTestSupport.send(config, config.topics().catalog(), List.of(drop,
                stock(t, id(), "2026-03-10T10:04:00Z", "SKU-1", "main", 5, 0, 1)));
        runToEnd(config);
        assertThat(rows(config, levels, t)).containsExactly(
                Map.of("sku", "SKU-1", "location", "main", "available", 0L, "version", 2L),
                Map.of("sku", "SKU-2", "location", "main", "available", 0L, "version", 1L));

        // Run 3: a restock to 10 and a sale down to 4 raise nothing. A record that is not JSON goes last: it counts
        // at its arrival time (now), which moves the watermark past every event of this test.
        SparkTestSupport.send(config, config.topics().catalog(), List.of(
                stock(t, id(), "2026-03-10T10:06:00Z", "SKU-1", "main", 10, 0, 3),
                stock(t, id(), "2026-03-10T10:07:00Z", "SKU-1", "main", 5, 1, 4), new String[]{"x", "{not json"}));
        runToEnd(config);
        assertThat(rows(config, levels, t)).containsExactly(
                Map.of("sku", "SKU-1", "location", "main", "available", 4L, "version", 4L),
                Map.of("sku", "SKU-2", "location", "main", "available", 0L, "version", 1L));

        List<Map<String, Object>> alerts = rows(config, "SELECT alert_id, kind, severity, title, details::text AS "
                + "details FROM alerts WHERE tenant_id = ?::uuid ORDER BY alert_id", t);
        assertThat(alerts).extracting(a -> a.get("alert_id")).containsExactly("sold_out:SKU-1:main:2",
                "sold_out:SKU-2:main:1");
        assertThat(alerts.get(0)).containsEntry("kind", "sold_out").containsEntry("severity", "warning")
                .containsEntry("title", "Sold out: Trail Runner 2 (SKU-1) at main");
        JsonNode d1 = JSON.readTree((String) alerts.get(0).get("details"));
        assertThat(d1.get("sku").asText()).isEqualTo("SKU-1");
        assertThat(d1.get("location").asText()).isEqualTo("main");
        assertThat(d1.get("name").asText()).isEqualTo("Trail Runner 2");
        assertThat(d1.get("previous_available").asLong()).isEqualTo(5);
        assertThat(d1.get("on_hand").asLong()).isEqualTo(2);
        assertThat(d1.get("reserved").asLong()).isEqualTo(2);
        assertThat(d1.get("units_sold_24h").asLong()).isEqualTo(5);
        // SKU-2: never seen before, no name known, and the tenant has sales but none of it.
        JsonNode d2 = JSON.readTree((String) alerts.get(1).get("details"));
        assertThat(d2.get("previous_available").isNull()).isTrue();
        assertThat(d2.has("name")).isFalse();
        assertThat(d2.get("units_sold_24h").asLong()).isZero();
        assertThat(alerts.get(1)).containsEntry("title", "Sold out: SKU-2 at main");

        // Each alert reached Kafka once.
        assertThat(SparkTestSupport.publishedAlerts(config, t)).extracting(a -> a.get("alert_id").asText())
                .containsExactlyInAnyOrder("sold_out:SKU-1:main:2", "sold_out:SKU-2:main:1");

        assertThat(rows(config, "SELECT query_name, reason FROM dead_letters WHERE topic = ?",
                config.topics().catalog())).containsExactly(Map.of("query_name", "stock", "reason",
                        "tenant_id is missing or not a UUID"));
    }
}
