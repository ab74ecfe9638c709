package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sales.SalesJob;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.shoppulse.analytics.spark.SparkTestSupport.row;
import static io.shoppulse.analytics.spark.SparkTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sales query against the real Kafka and PostgreSQL, answers worked out by hand (docs/metrics.md, "Sales",
 * "Alerts"): currencies kept apart, a redelivered event, a refund with lines and one without, a cancellation, an
 * event type that moves no figure, a dead letter, bought-together pairs and a revenue anomaly.
 */
class SalesJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode order(String tenant, String type, String orderId, String placedAt, String currency,
            String country, String total, String refunded) {
        ObjectNode e = JSON.createObjectNode().put("event_id", UUID.randomUUID().toString()).put("type", type)
                .put("tenant_id", tenant).put("occurred_at", Instant.now().toString());
        ObjectNode o = e.putObject("order").put("order_id", orderId).put("placed_at", placedAt)
                .put("currency", currency).put("country", country);
        o.put("total", new BigDecimal(total));
        o.put("refunded", new BigDecimal(refunded));
        o.putArray("lines");
        return e;
    }

    private static ObjectNode line(ObjectNode event, String kind, String sku, int quantity, String amount,
            String refundId) {
        ArrayNode lines = (ArrayNode) event.get("order").get("lines");
        ObjectNode l = lines.addObject().put("kind", kind).put("sku", sku).put("quantity", quantity);
        l.put("amount", new BigDecimal(amount));
        if (refundId != null) {
            l.put("refund_id", refundId);
        }
        return event;
    }

    private static String[] rec(ObjectNode e) {
        return new String[]{e.get("tenant_id").asText() + ":" + e.get("order").get("order_id").asText(),
                e.toString()};
    }

    @Test
    void countsOrdersRefundsAndCancellationsPerCurrencyExactlyAndRaisesARevenueAnomaly() throws Exception {
        JobConfig config = SparkTestSupport.config("sales");
        String t = UUID.randomUUID().toString();
        // EUR revenue of the 09:00 hour on the seven days before: mean 100, sample sd sqrt(250 / 6).
        double[] baseline = {100, 110, 90, 105, 95, 100, 100};
        Instant hour = Instant.parse("2026-04-01T09:00:00Z");
        // A second shop with the same week behind it sells nothing at 09:00 today: its revenue stopped.
        String quiet = UUID.randomUUID().toString();
        try (Connection c = SparkTestSupport.db(config);
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO sales_hour (tenant_id, bucket, currency, country, orders, gross_revenue) "
                                + "VALUES (?::uuid, ?, 'EUR', 'DE', 1, ?)");
                PreparedStatement day = c.prepareStatement("INSERT INTO sales_day (tenant_id, bucket, currency, "
                        + "country, orders, gross_revenue) VALUES (?::uuid, ?, 'EUR', 'DE', 1, ?)")) {
            for (String table : new String[]{"sales_hour", "sales_day"}) {
                c.createStatement().executeQuery("SELECT ensure_partitions('analytics." + table + "', 'month', "
                        + "'2026-03-01', '2026-05-01')").close();
            }
            for (String tenant : new String[]{t, quiet}) {
                for (int d = 1; d <= 7; d++) {
                    ps.setString(1, tenant);
                    ps.setObject(2, java.sql.Timestamp.from(hour.minus(d, ChronoUnit.DAYS)));
                    ps.setBigDecimal(3, BigDecimal.valueOf(baseline[d - 1]));
                    ps.executeUpdate();
                    day.setString(1, tenant);
                    day.setObject(2, java.sql.Timestamp.from(hour.minus(d, ChronoUnit.DAYS).truncatedTo(
                            ChronoUnit.DAYS)));
                    day.setBigDecimal(3, BigDecimal.valueOf(baseline[d - 1]));
                    day.executeUpdate();
                }
            }
        }

        ObjectNode o1 = line(line(order(t, "order.placed", "o1", "2026-04-01T09:10:00Z", "EUR", "DE", "123.80",
                "0"), "sale", "SKU-1", 1, "89.90", null), "sale", "SKU-2", 2, "29.00", null);
        ObjectNode o2 = line(order(t, "order.placed", "o2", "2026-04-01T09:20:00Z", "USD", "US", "50.00", "0"),
                "sale", "SKU-1", 1, "50.00", null);
        ObjectNode o3 = line(order(t, "order.placed", "o3", "2026-04-01T09:30:00Z", "JPY", "JP", "1200", "0"),
                "sale", "SKU-3", 3, "1200", null);
        ObjectNode r1 = line(line(line(order(t, "order.refunded", "o1", "2026-04-01T09:10:00Z", "EUR", "DE",
                "123.80", "14.50"), "sale", "SKU-1", 1, "89.90", null), "sale", "SKU-2", 2, "29.00", null), "refund",
                "SKU-2", 1, "-14.50", "r1");
        r1.putObject("refund").put("refund_id", "r1").put("amount", new BigDecimal("14.50"))
                .put("refunded_at", "2026-04-01T09:40:00Z");
        ObjectNode r2 = order(t, "order.refunded", "o2", "2026-04-01T09:20:00Z", "USD", "US", "50.00", "10.00");
        r2.putObject("refund").put("refund_id", "r2").put("amount", new BigDecimal("10.00"))
                .put("refunded_at", "2026-04-01T09:45:00Z");
        ObjectNode c3 = line(order(t, "order.cancelled", "o3", "2026-04-01T09:30:00Z", "JPY", "JP", "1200", "0"),
                "sale", "SKU-3", 3, "1200", null);
        ((ObjectNode) c3.get("order")).put("cancelled_at", "2026-04-01T09:50:00Z");
        ObjectNode paid = order(t, "order.paid", "o2", "2026-04-01T09:20:00Z", "USD", "US", "50.00", "0");
        // An order in the next hour closes the 09:00 hour (10:15 - 10 min lateness > 10:00).
        ObjectNode o4 = line(order(t, "order.placed", "o4", "2026-04-01T10:15:00Z", "EUR", "DE", "10.00", "0"),
                "sale", "SKU-1", 1, "10.00", null);
        List<String[]> records = new ArrayList<>(List.of(rec(o1), rec(o1), rec(o2), rec(o3), rec(r1), rec(r2),
                rec(c3), rec(paid), rec(o4)));
        records.add(new String[]{"k", "[1, 2]"});
        // A refund dated years ahead would drag the watermark along and make every later event late: refused.
        ObjectNode future = order(t, "order.refunded", "o2", "2026-04-01T09:20:00Z", "USD", "US", "50.00", "20.00");
        future.putObject("refund").put("refund_id", "r9").put("amount", new BigDecimal("10.00"))
                .put("refunded_at", "2031-01-01T00:00:00Z");
        records.add(rec(future));
        // Records the sink could not count must not stop the query: a line without its quantity, a tenant that is no
        // UUID, a currency that is no ISO code. Each is a dead letter.
        ObjectNode noQuantity = line(order(t, "order.placed", "o8", "2026-04-01T09:25:00Z", "EUR", "DE", "5.00", "0"),
                "sale", "SKU-8", 1, "5.00", null);
        ((ObjectNode) noQuantity.get("order").get("lines").get(0)).remove("quantity");
        records.add(rec(noQuantity));
        // UUID.fromString would take this one; the contract's tenant ids are the canonical 8-4-4-4-12 form.
        records.add(rec(order("1-1-1-1-1", "order.placed", "o9", "2026-04-01T09:25:00Z", "EUR", "DE", "5.00",
                "0")));
        records.add(rec(order(t, "order.placed", "o10", "2026-04-01T09:25:00Z", "EURO", "DE", "5.00", "0")));
        SparkTestSupport.send(config, config.topics().orders(), records);

        SalesJob.start(SparkTestSupport.spark(config), config, true).awaitTermination();

        String sql = "SELECT currency, country, orders, units, gross_revenue, refunds, refunded_amount, "
                + "cancellations, cancelled_amount FROM sales_hour WHERE tenant_id = ?::uuid AND bucket = "
                + "'2026-04-01T09:00:00Z' ORDER BY currency";
        assertThat(rows(config, sql, t)).containsExactly(
                Map.of("currency", "EUR", "country", "DE", "orders", 1L, "units", 3L, "gross_revenue",
                        new BigDecimal("123.8000"), "refunds", 1L, "refunded_amount", new BigDecimal("14.5000"),
                        "cancellations", 0L, "cancelled_amount", new BigDecimal("0.0000")),
                Map.of("currency", "JPY", "country", "JP", "orders", 1L, "units", 3L, "gross_revenue",
                        new BigDecimal("1200.0000"), "refunds", 0L, "refunded_amount", new BigDecimal("0.0000"),
                        "cancellations", 1L, "cancelled_amount", new BigDecimal("1200.0000")),
                Map.of("currency", "USD", "country", "US", "orders", 1L, "units", 1L, "gross_revenue",
                        new BigDecimal("50.0000"), "refunds", 1L, "refunded_amount", new BigDecimal("10.0000"),
                        "cancellations", 0L, "cancelled_amount", new BigDecimal("0.0000")));
        // The day and minute grains agree with the hours.
        assertThat(row(config, "SELECT sum(gross_revenue) AS g FROM sales_day WHERE tenant_id = ?::uuid AND "
                + "currency = 'EUR' AND bucket = '2026-04-01'", t)).containsEntry("g", new BigDecimal("133.8000"));
        assertThat(row(config, "SELECT sum(orders) AS n FROM sales_minute WHERE tenant_id = ?::uuid", t))
                .containsEntry("n", new BigDecimal(4));

        // The cancellation of o3 takes its three units back at the product level too.
        assertThat(row(config, "SELECT cancelled_units, cancelled_amount FROM product_sales_hour WHERE tenant_id = "
                + "?::uuid AND item_id = 'SKU-3'", t)).containsEntry("cancelled_units", 3L)
                .containsEntry("cancelled_amount", new BigDecimal("1200.0000"));
        assertThat(row(config, "SELECT sum(cancelled_units) AS n FROM product_sales_hour WHERE tenant_id = ?::uuid",
                t)).containsEntry("n", new BigDecimal(3));
        assertThat(rows(config, "SELECT item_id, currency, units, revenue, refunded_units, refunded_amount FROM "
                + "product_sales_hour WHERE tenant_id = ?::uuid AND bucket = '2026-04-01T09:00:00Z' "
                + "ORDER BY item_id, currency", t)).containsExactly(
                        Map.of("item_id", "SKU-1", "currency", "EUR", "units", 1L, "revenue",
                                new BigDecimal("89.9000"), "refunded_units", 0L, "refunded_amount",
                                new BigDecimal("0.0000")),
                        Map.of("item_id", "SKU-1", "currency", "USD", "units", 1L, "revenue",
                                new BigDecimal("50.0000"), "refunded_units", 0L, "refunded_amount",
                                new BigDecimal("0.0000")),
                        Map.of("item_id", "SKU-2", "currency", "EUR", "units", 2L, "revenue",
                                new BigDecimal("29.0000"), "refunded_units", 1L, "refunded_amount",
                                new BigDecimal("14.5000")),
                        Map.of("item_id", "SKU-3", "currency", "JPY", "units", 3L, "revenue",
                                new BigDecimal("1200.0000"), "refunded_units", 0L, "refunded_amount",
                                new BigDecimal("0.0000")));
        assertThat(rows(config, "SELECT item_a, item_b, count FROM co_occurrence WHERE tenant_id = ?::uuid AND "
                + "kind = 'bought'", t)).containsExactly(Map.of("item_a", "SKU-1", "item_b", "SKU-2", "count", 1L));
        assertThat(rows(config, "SELECT reason FROM dead_letters WHERE topic = ? ORDER BY kafka_offset",
                config.topics().orders())).extracting(r -> r.get("reason")).containsExactlyInAnyOrder(
                        "tenant_id is missing",
                        "the event's business time is more than 5 minutes after it reached Kafka",
                        "every order line needs kind, sku, quantity and amount", "tenant_id is not a UUID",
                        "order.currency is not an ISO 4217 code");

        // The anomaly, computed here independently: z = (123.80 - 100) / sqrt(250 / 6).
        double z = (123.80 - 100) / Math.sqrt(250.0 / 6);
        List<Map<String, Object>> alerts = rows(config, "SELECT alert_id, kind, details::text AS details FROM alerts "
                + "WHERE tenant_id = ?::uuid", t);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).containsEntry("alert_id", "revenue_anomaly:EUR:2026-04-01T09:00:00Z")
                .containsEntry("kind", "revenue_anomaly");
        JsonNode details = JSON.readTree((String) alerts.get(0).get("details"));
        assertThat(details.get("z").asDouble()).isCloseTo(z, within(0.0001));
        assertThat(details.get("value").asText()).isEqualTo("123.8000");
        // The quiet shop's hour is 0: z = (0 - 100) / the same sd.
        Map<String, Object> stopped = row(config, "SELECT alert_id, details::text AS details FROM alerts WHERE "
                + "tenant_id = ?::uuid", quiet);
        assertThat(stopped).containsEntry("alert_id", "revenue_anomaly:EUR:2026-04-01T09:00:00Z");
        JsonNode stoppedDetails = JSON.readTree((String) stopped.get("details"));
        assertThat(stoppedDetails.get("value").asText()).isEqualTo("0");
        assertThat(stoppedDetails.get("direction").asText()).isEqualTo("below");
        assertThat(stoppedDetails.get("z").asDouble()).isCloseTo(-100 / Math.sqrt(250.0 / 6), within(0.0001));
        assertThat(SparkTestSupport.publishedAlerts(config, t, quiet)).extracting(a -> a.get("tenant_id").asText())
                .containsExactlyInAnyOrder(t, quiet);
    }
}
