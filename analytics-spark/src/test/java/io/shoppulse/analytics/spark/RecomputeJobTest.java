package io.shoppulse.analytics.spark;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.recompute.Recompute;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.shoppulse.analytics.spark.SparkTestSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The recompute against the real raw event store and orders tables: a day rebuilt with figures worked out by hand,
 * twice without counting twice, over rows the streams had left there, and again after the raw data was fixed.
 */
class RecomputeJobTest {

    private static JobConfig config;
    private static final LocalDate DAY = LocalDate.parse("2025-03-10");

    @BeforeAll
    static void schemas() throws Exception {
        config = SparkTestSupport.config("recompute");
        // The owners' own migrations, as their services run them, so the test does not depend on their order.
        for (String svc : new String[]{"collector", "orders"}) {
            Path scripts = Path.of("..", "services", svc, "src", "main", "resources", "db", "migration")
                    .toAbsolutePath().normalize();
            Flyway.configure().dataSource(jdbc(svc), "shoppulse_" + svc, password(svc)).schemas(svc)
                    .createSchemas(false).locations("filesystem:" + scripts).load().migrate();
        }
        try (Connection c = owner("collector"); Statement s = c.createStatement()) {
            for (String d : new String[]{"2025-03-09", "2025-03-10", "2025-03-11"}) {
                LocalDate day = LocalDate.parse(d);
                s.execute("CREATE TABLE IF NOT EXISTS collector.events_p" + d.replace("-", "")
                        + " PARTITION OF collector.events FOR VALUES FROM ('" + day + " 00:00:00+00') TO ('"
                        + day.plusDays(1) + " 00:00:00+00')");
            }
        }
        try (Connection c = owner("orders"); Statement s = c.createStatement()) {
            for (String table : new String[]{"orders", "order_lines"}) {
                s.execute("CREATE TABLE IF NOT EXISTS orders." + table + "_p202503 PARTITION OF orders." + table
                        + " FOR VALUES FROM ('2025-03-01 00:00:00+00') TO ('2025-04-01 00:00:00+00')");
            }
        }
    }

    private static String jdbc(String schema) {
        return config.jdbcUrl().replace("currentSchema=analytics", "currentSchema=" + schema);
    }

    private static String password(String svc) {
        String p = System.getenv("SHOPPULSE_DB_PASSWORD_" + svc.toUpperCase());
        return p == null ? "" : p;
    }

    private static Connection owner(String svc) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "shoppulse_" + svc);
        props.setProperty("password", password(svc));
        return DriverManager.getConnection(jdbc(svc), props);
    }

    private static void event(Connection c, String tenant, String type, String at, String session, String payload)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO collector.events (tenant_id, event_id, "
                + "occurred_at, type, session_id, anonymous_id, origin, received_at, payload) VALUES (?::uuid, ?, ?, "
                + "?, ?, 'visitor-' || ?, 'import', ?, ?::jsonb)")) {
            ps.setString(1, tenant);
            ps.setObject(2, UUID.randomUUID());
            ps.setTimestamp(3, Timestamp.from(Instant.parse(at)));
            ps.setString(4, type);
            ps.setString(5, session);
            ps.setString(6, session);
            ps.setTimestamp(7, Timestamp.from(Instant.parse(at)));
            ps.setString(8, payload);
            ps.executeUpdate();
        }
    }

    private static void order(Connection c, String tenant, String id, String placedAt, String total,
            String refunded, String cancelledAt) throws Exception {
        try (PreparedStatement keys = c.prepareStatement("INSERT INTO orders.order_keys VALUES (?::uuid, ?, ?)");
                PreparedStatement o = c.prepareStatement("INSERT INTO orders.orders (tenant_id, order_id, placed_at, "
                        + "status, currency, country, subtotal, total, refunded, cancelled_at) VALUES (?::uuid, ?, ?, "
                        + "?, 'EUR', 'DE', ?, ?, ?, ?)")) {
            keys.setString(1, tenant);
            keys.setString(2, id);
            keys.setTimestamp(3, Timestamp.from(Instant.parse(placedAt)));
            keys.executeUpdate();
            o.setString(1, tenant);
            o.setString(2, id);
            o.setTimestamp(3, Timestamp.from(Instant.parse(placedAt)));
            o.setString(4, cancelledAt == null ? "paid" : "cancelled");
            o.setBigDecimal(5, new BigDecimal(total));
            o.setBigDecimal(6, new BigDecimal(total));
            o.setBigDecimal(7, new BigDecimal(refunded));
            o.setTimestamp(8, cancelledAt == null ? null : Timestamp.from(Instant.parse(cancelledAt)));
            o.executeUpdate();
        }
    }

    private static void line(Connection c, String tenant, String id, String placedAt, int no, String kind,
            int quantity, String amount, String refundId) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders.order_lines (tenant_id, order_id, "
                + "placed_at, line_no, kind, sku, quantity, unit_price, amount, refund_id, created_at) VALUES "
                + "(?::uuid, ?, ?, ?, ?, 'SKU-A', ?, 30, ?, ?, now())")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            ps.setTimestamp(3, Timestamp.from(Instant.parse(placedAt)));
            ps.setInt(4, no);
            ps.setString(5, kind);
            ps.setInt(6, quantity);
            ps.setBigDecimal(7, new BigDecimal(amount));
            ps.setString(8, refundId);
            ps.executeUpdate();
        }
    }

    @Test
    void rebuildsADayFromRawEventsAndOrdersExactlyAndIdempotently() throws Exception {
        String t = UUID.randomUUID().toString();
        try (Connection c = owner("collector")) {
            // x1 on the 10th: a page, a product view, a cart, no purchase.
            event(c, t, "page_view", "2025-03-10T10:00:00Z", "x1", "{\"page\": {\"url\": \"https://s/\", "
                    + "\"path\": \"/\"}}");
            event(c, t, "view_item", "2025-03-10T10:05:00Z", "x1", "{\"items\": [{\"item_id\": \"SKU-A\", "
                    + "\"item_name\": \"A\"}]}");
            event(c, t, "add_to_cart", "2025-03-10T10:06:00Z", "x1", "{\"items\": [{\"item_id\": \"SKU-A\"}]}");
            // x2 starts on the 9th and runs past midnight: its second page counts on the 10th, the session not.
            event(c, t, "page_view", "2025-03-09T23:55:00Z", "x2", "{\"page\": {\"url\": \"https://s/a\"}}");
            event(c, t, "page_view", "2025-03-10T00:05:00Z", "x2", "{\"page\": {\"url\": \"https://s/b\"}}");
        }
        try (Connection c = owner("orders")) {
            // o1 placed and partly refunded on the 10th; o2 placed on the 9th and cancelled on the 10th.
            order(c, t, "o1", "2025-03-10T12:00:00Z", "30.00", "5.00", null);
            line(c, t, "o1", "2025-03-10T12:00:00Z", 1, "sale", 1, "30.00", null);
            line(c, t, "o1", "2025-03-10T12:00:00Z", 2, "refund", 1, "-5.00", "r1");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders.refunds VALUES (?::uuid, 'o1', 'r1', "
                    + "5.00, '2025-03-10T13:00:00Z')")) {
                ps.setString(1, t);
                ps.executeUpdate();
            }
            order(c, t, "o2", "2025-03-09T18:00:00Z", "20.00", "0", "2025-03-10T14:00:00Z");
            line(c, t, "o2", "2025-03-09T18:00:00Z", 1, "sale", 1, "20.00", null);
        }
        // What a stream had left for that day, wrong: the recompute replaces it.
        try (Connection c = SparkTestSupport.db(config); Statement s = c.createStatement()) {
            s.executeQuery("SELECT ensure_partitions('analytics.traffic_day', 'month', '2025-03-01', '2025-04-01')")
                    .close();
            s.executeUpdate("INSERT INTO traffic_day (tenant_id, bucket, channel, device, sessions, events) VALUES ('"
                    + t + "', '2025-03-10', '(direct)', 'unknown', 99, 99)");
        }
        Recompute.Plan plan = new Recompute.Plan(UUID.fromString(t), DAY, DAY);
        String traffic = "SELECT sum(sessions) AS sessions, sum(page_views) AS page_views, sum(product_views) AS "
                + "product_views, sum(add_to_carts) AS add_to_carts, sum(cart_sessions) AS cart_sessions, "
                + "sum(abandoned_cart_sessions) AS abandoned, sum(events) AS events FROM traffic_day WHERE tenant_id "
                + "= ?::uuid AND bucket = '2025-03-10'";
        String sales = "SELECT orders, gross_revenue, refunds, refunded_amount, cancellations, cancelled_amount FROM "
                + "sales_day WHERE tenant_id = ?::uuid AND bucket = '2025-03-10'";
        Map<String, Object> expectedTraffic = Map.of("sessions", new BigDecimal(1), "page_views", new BigDecimal(2),
                "product_views", new BigDecimal(1), "add_to_carts", new BigDecimal(1), "cart_sessions",
                new BigDecimal(1), "abandoned", new BigDecimal(1), "events", new BigDecimal(4));
        Map<String, Object> expectedSales = Map.of("orders", 1L, "gross_revenue", new BigDecimal("30.0000"),
                "refunds", 1L, "refunded_amount", new BigDecimal("5.0000"), "cancellations", 1L,
                "cancelled_amount", new BigDecimal("20.0000"));

        for (int run = 0; run < 2; run++) {
            Recompute.run(SparkTestSupport.spark(config), config, plan);
            assertThat(row(config, traffic, t)).isEqualTo(expectedTraffic);
            assertThat(row(config, sales, t)).isEqualTo(expectedSales);
            assertThat(row(config, "SELECT count(*) AS n FROM sessions WHERE tenant_id = ?::uuid", t))
                    .containsEntry("n", 1L);
            assertThat(row(config, "SELECT users, new_users FROM visitors_day WHERE tenant_id = ?::uuid", t))
                    .containsEntry("users", 2L).containsEntry("new_users", 1L);
            assertThat(row(config, "SELECT units, revenue, refunded_units FROM product_sales_hour WHERE tenant_id = "
                    + "?::uuid AND bucket = '2025-03-10T12:00:00Z'", t)).containsEntry("units", 1L)
                    .containsEntry("revenue", new BigDecimal("30.0000"));
            // o2's cancellation on the 10th takes its unit back at the product level.
            assertThat(row(config, "SELECT cancelled_units, cancelled_amount FROM product_sales_hour WHERE tenant_id "
                    + "= ?::uuid AND bucket = '2025-03-10T14:00:00Z'", t)).containsEntry("cancelled_units", 1L)
                    .containsEntry("cancelled_amount", new BigDecimal("20.0000"));
        }

        // A fix to the raw data (the cart event was a bot's, say) shows once the day is recomputed.
        try (Connection c = owner("collector"); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM collector.events WHERE tenant_id = '" + t + "' AND type = 'add_to_cart'");
        }
        Recompute.run(SparkTestSupport.spark(config), config, plan);
        assertThat(row(config, traffic, t)).containsEntry("add_to_carts", new BigDecimal(0))
                .containsEntry("cart_sessions", new BigDecimal(0)).containsEntry("events", new BigDecimal(3));
    }

    @Test
    void waitsUntilTheStreamsArePastTheDayAndItsSessionsHaveEnded() throws Exception {
        String t = UUID.randomUUID().toString();
        LocalDate day = LocalDate.parse("2025-03-12");
        Recompute.Plan plan = new Recompute.Plan(UUID.fromString(t), day, day);
        String traffic = "traffic@" + config.topics().events();
        try (Connection c = SparkTestSupport.db(config); Statement s = c.createStatement()) {
            s.executeQuery("SELECT ensure_partitions('analytics.sessions', 'day', '2025-03-12', '2025-03-13')")
                    .close();
            // The traffic stream has counted up to 00:05 the next day: an event of the 12th may still be on its way.
            s.executeUpdate("INSERT INTO stream_progress (query_name, newest_time) VALUES ('" + traffic
                    + "', '2025-03-13T00:05:00Z')");
            assertThatThrownBy(() -> Recompute.run(SparkTestSupport.spark(config), config, plan))
                    .hasMessageContaining("has counted up to 2025-03-13T00:05:00Z");
            // Past the day, but a session of the 12th is still open in the stream (last event 23:59, gap not over).
            s.executeUpdate("UPDATE stream_progress SET newest_time = '2025-03-13T00:50:00Z' WHERE query_name = '"
                    + traffic + "'");
            s.executeUpdate("INSERT INTO sessions (tenant_id, session_id, started_at, last_event_at, visitor_id, "
                    + "channel, device, page_views, events, viewed_product, added_to_cart, began_checkout, "
                    + "purchased, new_visitor, ended) VALUES ('" + t + "', 'open', '2025-03-12T23:50:00Z', "
                    + "'2025-03-13T00:30:00Z', 'v', '(direct)', 'desktop', 1, 2, false, false, false, false, true, "
                    + "false)");
            assertThatThrownBy(() -> Recompute.run(SparkTestSupport.spark(config), config, plan))
                    .hasMessageContaining("1 sessions that started in the range are still open");
            // Once it has ended, the day is rebuilt (from no raw data: the session is gone with the day's rows).
            s.executeUpdate("UPDATE stream_progress SET newest_time = '2025-03-13T01:30:00Z' WHERE query_name = '"
                    + traffic + "'");
            Recompute.run(SparkTestSupport.spark(config), config, plan);
            assertThat(row(config, "SELECT count(*) AS n FROM sessions WHERE tenant_id = ?::uuid", t))
                    .containsEntry("n", 0L);
        } finally {
            try (Connection c = SparkTestSupport.db(config); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM stream_progress WHERE query_name = '" + traffic + "'");
            }
        }
    }

    @Test
    void waitsForTheCollectorsArchiveToStoreTheDay() throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("SHOPPULSE_TOPIC_EVENTS", config.topics().events());
        String group = "recompute-archive-" + UUID.randomUUID();
        env.put("SHOPPULSE_ARCHIVE_GROUP", group);
        JobConfig withArchive = JobConfig.from(env);
        Instant after = Instant.parse("2025-03-11T00:10:00Z");
        // Partition 0 holds a record Kafka took before the day ended and one after: the archive must be past the
        // first (offset 1 and on are after the day).
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", config.kafkaBootstrap());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().events(), 0,
                    after.minusSeconds(3600).toEpochMilli(), "k", "{}")).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().events(), 0,
                    after.plusSeconds(3600).toEpochMilli(), "k", "{}")).get();
        }
        var partition = new org.apache.kafka.common.TopicPartition(config.topics().events(), 0);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers",
                config.kafkaBootstrap()))) {
            long base = admin.listOffsets(java.util.Map.of(partition,
                    org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(after.toEpochMilli()))).all().get()
                    .get(partition).offset();
            // The archive has stored everything before the later record, but not that one's predecessor.
            admin.alterConsumerGroupOffsets(group, java.util.Map.of(partition,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(base - 1))).all().get();
            assertThatThrownBy(() -> Recompute.requireArchivePast(withArchive, after))
                    .hasMessageContaining("the collector's archive has stored");
            admin.alterConsumerGroupOffsets(group, java.util.Map.of(partition,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(base))).all().get();
            Recompute.requireArchivePast(withArchive, after);
            admin.deleteConsumerGroups(java.util.List.of(group)).all().get();
            // A group that never consumed (only imported history) has nothing to wait for.
            Recompute.requireArchivePast(withArchive, after);
        }
    }

    @Test
    void refusesDaysTheStreamsStillCountAndBadArguments() {
        Clock now = Clock.fixed(Instant.parse("2025-03-11T00:30:00Z"), ZoneOffset.UTC);
        String t = UUID.randomUUID().toString();
        // The 10th ended 30 minutes ago: lateness (10 min) plus the session gap (30 min) have not passed.
        assertThatThrownBy(() -> Recompute.plan(new String[]{"--tenant", t, "--from", "2025-03-10", "--to",
                "2025-03-10"}, config, now)).hasMessageContaining("the streams still count 2025-03-10");
        assertThat(Recompute.plan(new String[]{"--tenant", t, "--from", "2025-03-01", "--to", "2025-03-09"}, config,
                now)).isEqualTo(new Recompute.Plan(UUID.fromString(t), LocalDate.parse("2025-03-01"),
                        LocalDate.parse("2025-03-09")));
        assertThatThrownBy(() -> Recompute.plan(new String[]{"--tenant", t, "--from", "2025-03-09", "--to",
                "2025-03-01"}, config, now)).hasMessageContaining("is before");
        assertThatThrownBy(() -> Recompute.plan(new String[]{"--tenant", t, "--from", "March", "--to",
                "2025-03-01"}, config, now)).hasMessageContaining("must be a date");
    }
}
