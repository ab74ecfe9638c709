package io.shoppulse.analytics.spark;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.traffic.TrafficJob;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.shoppulse.analytics.spark.Events.event;
import static io.shoppulse.analytics.spark.SparkTestSupport.row;
import static io.shoppulse.analytics.spark.SparkTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The traffic query against the real Kafka and PostgreSQL, with answers worked out by hand from the events sent.
 * Definitions: docs/metrics.md ("Sessions", "Traffic", "Visitors", "Products", "Co-occurrence").
 */
class TrafficJobTest {

    private static Timestamp ts(String instant) {
        return Timestamp.from(Instant.parse(instant));
    }

    /** Runs the streaming query with each list of records as a batch of its own, in order. */
    @SafeVarargs
    private static void runBatches(JobConfig config, List<String[]>... batches) throws Exception {
        StreamingQuery query = TrafficJob.start(SparkTestSupport.spark(config), config, false);
        try {
            for (List<String[]> batch : batches) {
                SparkTestSupport.send(config, config.topics().events(), batch);
                query.processAllAvailable();
            }
        } finally {
            query.stop();
        }
    }

    private static StreamingQuery runToEnd(JobConfig config) throws Exception {
        StreamingQuery query = TrafficJob.start(SparkTestSupport.spark(config), config, true);
        query.awaitTermination();
        return query;
    }

    @Test
    void countsSessionsEventsVisitorsProductsAndPairsOfADayExactly() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-day");
        String t = UUID.randomUUID().toString();
        List<String[]> records = new ArrayList<>();
        // s1: a newsletter visit on desktop that views two products, adds one to the cart twice (the same event
        // sent twice: a retry), checks out and buys.
        Events cart = event(t, "add_to_cart", "2026-03-10T10:03:00Z", "s1", "v1").utm("newsletter", "email")
                .item("SKU-1", "Trail Runner", "Northpeak", "Shoes/Running", "10.00", 2).value("20.00", "EUR");
        records.add(event(t, "page_view", "2026-03-10T10:00:00Z", "s1", "v1").utm("newsletter", "email")
                .page("/home").record());
        records.add(event(t, "view_item", "2026-03-10T10:01:00Z", "s1", "v1")
                .item("SKU-1", "Trail Runner", "Northpeak", "Shoes/Running", "10.00", 1).record());
        records.add(event(t, "view_item", "2026-03-10T10:02:00Z", "s1", "v1")
                .item("SKU-2", "Merino Socks", "Northpeak", "Apparel/Socks", "5.00", 1).record());
        records.add(cart.record());
        records.add(cart.record());
        records.add(event(t, "begin_checkout", "2026-03-10T10:05:00Z", "s1", "v1").record());
        records.add(event(t, "purchase", "2026-03-10T10:06:00Z", "s1", "v1")
                .item("SKU-1", "Trail Runner", "Northpeak", "Shoes/Running", "10.00", 2).value("20.00", "EUR")
                .record());
        // s2: one page on a phone, nothing else: a bounce.
        records.add(event(t, "page_view", "2026-03-10T10:00:30Z", "s2", "v2").device("Phone").page("/sale")
                .record());
        // s3: v1 comes back just before midnight; the session crosses into the next day.
        records.add(event(t, "page_view", "2026-03-10T23:50:00Z", "s3", "v1").page("/blog").record());
        records.add(event(t, "page_view", "2026-03-11T00:10:00Z", "s3", "v1").page("/faq").record());
        // A record that is no event at all goes to the dead letters.
        records.add(new String[]{"x", "{not json"});
        SparkTestSupport.send(config, config.topics().events(), records);

        runToEnd(config);

        List<Map<String, Object>> day = rows(config, "SELECT * FROM traffic_day WHERE tenant_id = ?::uuid "
                + "AND bucket = '2026-03-10T00:00:00Z' ORDER BY channel, device", t);
        assertThat(day).hasSize(3);
        // (direct) desktop: s3, v1's second session (returning), two events 20 minutes apart, one page that day.
        assertThat(day.get(0)).containsEntry("channel", "(direct)").containsEntry("device", "desktop")
                .containsEntry("sessions", 1L).containsEntry("new_sessions", 0L)
                .containsEntry("bounced_sessions", 0L).containsEntry("session_seconds", 1200L)
                .containsEntry("page_views", 1L).containsEntry("events", 1L);
        // (direct) phone: s2, a bounce of a new visitor.
        assertThat(day.get(1)).containsEntry("channel", "(direct)").containsEntry("device", "phone")
                .containsEntry("sessions", 1L).containsEntry("new_sessions", 1L)
                .containsEntry("bounced_sessions", 1L).containsEntry("session_seconds", 0L)
                .containsEntry("page_views", 1L).containsEntry("events", 1L);
        // newsletter / email desktop: s1, six distinct events (the retried add_to_cart counted once).
        assertThat(day.get(2)).containsEntry("channel", "newsletter / email").containsEntry("device", "desktop")
                .containsEntry("sessions", 1L).containsEntry("new_sessions", 1L)
                .containsEntry("bounced_sessions", 0L).containsEntry("product_view_sessions", 1L)
                .containsEntry("cart_sessions", 1L).containsEntry("checkout_sessions", 1L)
                .containsEntry("converted_sessions", 1L).containsEntry("abandoned_cart_sessions", 0L)
                .containsEntry("session_seconds", 360L).containsEntry("page_views", 1L)
                .containsEntry("product_views", 2L).containsEntry("add_to_carts", 1L)
                .containsEntry("checkouts", 1L).containsEntry("purchases", 1L).containsEntry("events", 6L);
        // The next day has s3's second page but no session (a session counts on its start day).
        assertThat(row(config, "SELECT sessions, page_views, events FROM traffic_day WHERE tenant_id = ?::uuid "
                + "AND bucket = '2026-03-11T00:00:00Z'", t)).containsEntry("sessions", 0L)
                .containsEntry("page_views", 1L).containsEntry("events", 1L);
        // The hour and minute grains agree with the day.
        assertThat(row(config, "SELECT sum(sessions) AS s, sum(events) AS e FROM traffic_hour WHERE tenant_id = "
                + "?::uuid AND bucket >= '2026-03-10' AND bucket < '2026-03-11'", t)).containsEntry("s",
                        new java.math.BigDecimal(3))
                .containsEntry("e", new java.math.BigDecimal(8));
        assertThat(row(config, "SELECT sum(sessions) AS s, sum(events) AS e FROM traffic_minute WHERE tenant_id = "
                + "?::uuid AND bucket >= '2026-03-10' AND bucket < '2026-03-11'", t)).containsEntry("s",
                        new java.math.BigDecimal(3))
                .containsEntry("e", new java.math.BigDecimal(8));
        assertThat(row(config, "SELECT sessions FROM traffic_minute WHERE tenant_id = ?::uuid AND bucket = "
                + "'2026-03-10T10:00:00Z' AND channel = 'newsletter / email'", t)).containsEntry("sessions", 1L);

        // Visitors: v1 and v2 on the 10th (both new), v1 alone on the 11th (returning); v1 in the 10:00 hour once.
        assertThat(row(config, "SELECT users, new_users FROM visitors_day WHERE tenant_id = ?::uuid AND bucket = "
                + "'2026-03-10T00:00:00Z'", t)).containsEntry("users", 2L).containsEntry("new_users", 2L);
        assertThat(row(config, "SELECT users, new_users FROM visitors_day WHERE tenant_id = ?::uuid AND bucket = "
                + "'2026-03-11T00:00:00Z'", t)).containsEntry("users", 1L).containsEntry("new_users", 0L);
        assertThat(row(config, "SELECT users FROM visitors_hour WHERE tenant_id = ?::uuid AND bucket = "
                + "'2026-03-10T10:00:00Z'", t)).containsEntry("users", 2L);

        // Sessions as they stand.
        assertThat(row(config, "SELECT * FROM sessions WHERE tenant_id = ?::uuid AND session_id = 's3'", t))
                .containsEntry("started_at", ts("2026-03-10T23:50:00Z"))
                .containsEntry("last_event_at", ts("2026-03-11T00:10:00Z")).containsEntry("landing_page", "/blog")
                .containsEntry("exit_page", "/faq").containsEntry("page_views", 2).containsEntry("new_visitor", false);
        assertThat(row(config, "SELECT * FROM sessions WHERE tenant_id = ?::uuid AND session_id = 's1'", t))
                .containsEntry("events", 6).containsEntry("purchased", true).containsEntry("new_visitor", true);

        // Products in the 10:00 hour, their names from the events, and the pair viewed together.
        assertThat(rows(config, "SELECT item_id, views, add_to_carts, purchases FROM product_hour WHERE tenant_id = "
                + "?::uuid ORDER BY item_id", t)).containsExactly(
                        Map.of("item_id", "SKU-1", "views", 1L, "add_to_carts", 1L, "purchases", 1L),
                        Map.of("item_id", "SKU-2", "views", 1L, "add_to_carts", 0L, "purchases", 0L));
        assertThat(row(config, "SELECT name, brand, category FROM products WHERE tenant_id = ?::uuid AND item_id = "
                + "'SKU-2'", t)).containsEntry("name", "Merino Socks").containsEntry("category", "Apparel/Socks");
        assertThat(rows(config, "SELECT item_a, item_b, count FROM co_occurrence WHERE tenant_id = ?::uuid", t))
                .containsExactly(Map.of("item_a", "SKU-1", "item_b", "SKU-2", "count", 1L));
        assertThat(row(config, "SELECT category, views FROM category_hour WHERE tenant_id = ?::uuid AND category = "
                + "'Apparel'", t)).containsEntry("views", new java.math.BigDecimal(1));

        assertThat(row(config, "SELECT reason FROM dead_letters WHERE topic = ?", config.topics().events()))
                .containsEntry("reason", "not a JSON object");
    }

    @Test
    void aLateEventInsideTheWatermarkMovesItsSessionAndOneBeyondItIsDropped() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-late");
        String t = UUID.randomUUID().toString();
        runBatches(config,
                List.of(event(t, "page_view", "2026-03-12T10:14:00Z", "sA", "vA").page("/a").record(),
                        event(t, "page_view", "2026-03-12T10:20:00Z", "sA", "vA").page("/b").record()),
                // The watermark is now 10:20 - 10 min = 10:10. 10:12 is inside it; 10:05 is beyond it.
                List.of(event(t, "page_view", "2026-03-12T10:12:00Z", "sA", "vA").page("/c").record(),
                        event(t, "page_view", "2026-03-12T10:05:00Z", "sB", "vB").page("/d").record()));
        assertThat(rows(config, "SELECT bucket, sessions, page_views FROM traffic_minute WHERE tenant_id = ?::uuid "
                + "AND (sessions <> 0 OR page_views <> 0) ORDER BY bucket", t)).containsExactly(
                        Map.of("bucket", ts("2026-03-12T10:12:00Z"), "sessions", 1L, "page_views", 1L),
                        Map.of("bucket", ts("2026-03-12T10:14:00Z"), "sessions", 0L, "page_views", 1L),
                        Map.of("bucket", ts("2026-03-12T10:20:00Z"), "sessions", 0L, "page_views", 1L));
        assertThat(rows(config, "SELECT session_id, started_at, landing_page, exit_page, session_seconds "
                + "FROM sessions s JOIN (SELECT 1) x ON true CROSS JOIN LATERAL (SELECT extract(epoch FROM "
                + "last_event_at - started_at)::int AS session_seconds) d WHERE tenant_id = ?::uuid", t))
                .containsExactly(Map.of("session_id", "sA", "started_at", ts("2026-03-12T10:12:00Z"),
                        "landing_page", "/c", "exit_page", "/b", "session_seconds", 480));
        assertThat(row(config, "SELECT sessions, session_seconds, page_views FROM traffic_hour WHERE tenant_id = "
                + "?::uuid", t)).containsEntry("sessions", 1L).containsEntry("session_seconds", 480L)
                .containsEntry("page_views", 3L);
        // sA is vA's first session: it stays new as its start moves, and the new user moves with it.
        assertThat(rows(config, "SELECT bucket, new_sessions FROM traffic_minute WHERE tenant_id = ?::uuid AND "
                + "new_sessions <> 0", t)).containsExactly(Map.of("bucket", ts("2026-03-12T10:12:00Z"),
                        "new_sessions", 1L));
        assertThat(rows(config, "SELECT bucket, new_users FROM visitors_minute WHERE tenant_id = ?::uuid AND "
                + "new_users <> 0", t)).containsExactly(Map.of("bucket", ts("2026-03-12T10:12:00Z"), "new_users",
                        1L));
    }

    @Test
    void aBatchReplayedAfterACrashBetweenTheDatabaseCommitAndSparksCommitChangesNothing() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-replay");
        String t = UUID.randomUUID().toString();
        SparkTestSupport.send(config, config.topics().events(), List.of(
                event(t, "page_view", "2026-03-13T08:00:00Z", "r1", "vr").page("/").record(),
                event(t, "view_item", "2026-03-13T08:01:00Z", "r1", "vr").item("SKU-9", "Cap", "B", "Hats", "9.00",
                        1).record()));
        // Without the watermark's empty batches, the last batch is the one that carried the two events.
        var spark = SparkTestSupport.spark(config);
        // The checkpoint is written through the project's local file system, which starts no chmod process per file.
        assertThat(org.apache.hadoop.fs.FileSystem.get(config.checkpoints().toUri(), spark.sparkContext()
                .hadoopConfiguration())).isInstanceOf(
                        io.shoppulse.analytics.spark.stream.LocalCheckpointFileSystem.class);
        spark.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
        StreamingQuery replayed;
        try {
            runToEnd(config);
        } finally {
            spark.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "true");
        }
        String sql = "SELECT sessions, page_views, product_views, events FROM traffic_day WHERE tenant_id = ?::uuid";
        Map<String, Object> before = row(config, sql, t);
        assertThat(before).containsEntry("sessions", 1L).containsEntry("events", 2L);

        // The crash: PostgreSQL committed the batch, Spark's commit log never recorded it. Spark runs it again.
        File commits = config.checkpoints().resolve(TrafficJob.QUERY + "-v" + TrafficJob.STATE_VERSION)
                .resolve("commits").toFile();
        File last = Arrays.stream(commits.listFiles((d, n) -> n.matches("\\d+")))
                .max(Comparator.comparingLong(f -> Long.parseLong(f.getName()))).orElseThrow();
        assertThat(last.delete()).isTrue();
        new File(commits, "." + last.getName() + ".crc").delete();
        replayed = runToEnd(config);

        // Spark did run that batch again, with its two records, and the figures did not move.
        assertThat(Arrays.stream(replayed.recentProgress()).filter(p -> p.batchId() == Long.parseLong(
                last.getName())).mapToLong(p -> p.numInputRows()).sum()).isEqualTo(2);
        assertThat(row(config, sql, t)).isEqualTo(before);
        assertThat(row(config, "SELECT users FROM visitors_day WHERE tenant_id = ?::uuid", t))
                .containsEntry("users", 1L);
    }

    @Test
    void anAbandonedCartAndAConversionRateFarFromItsBaselineRaiseOneAlertEach() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-alerts");
        String t = UUID.randomUUID().toString();
        // The 14:00 hour of the seven days before: 100 sessions each, 5, 6, 4, 5, 5, 6 and 4 converted.
        int[] converted = {5, 6, 4, 5, 5, 6, 4};
        Instant hour = Instant.parse("2026-03-20T14:00:00Z");
        try (java.sql.Connection c = SparkTestSupport.db(config);
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO traffic_hour (tenant_id, bucket, channel, device, sessions, converted_sessions) "
                                + "VALUES (?::uuid, ?, '(direct)', 'desktop', 100, ?)")) {
            c.createStatement().executeQuery("SELECT ensure_partitions('analytics.traffic_hour', 'month', "
                    + "'2026-03-01', '2026-04-01')").close();
            for (int d = 1; d <= 7; d++) {
                ps.setString(1, t);
                ps.setTimestamp(2, Timestamp.from(hour.minus(d, java.time.temporal.ChronoUnit.DAYS)));
                ps.setInt(3, converted[d - 1]);
                ps.executeUpdate();
            }
        }
        StreamingQuery query = TrafficJob.start(SparkTestSupport.spark(config), config, false);
        try {
            SparkTestSupport.send(config, config.topics().events(), List.of(
                    // c1 buys, c2 leaves a cart of two socks behind, c4 empties its cart: 1 of 3 sessions converted.
                    event(t, "add_to_cart", "2026-03-20T14:05:00Z", "c1", "w1").item("SKU-1", "Cap", "B", "Hats",
                            "9.00", 1).value("9.00", "EUR").record(),
                    event(t, "purchase", "2026-03-20T14:08:00Z", "c1", "w1").value("9.00", "EUR").record(),
                    event(t, "add_to_cart", "2026-03-20T14:10:00Z", "c2", "w2").user("cust-7").item("SKU-2",
                            "Socks", "B", "Apparel", "4.50", 2).value("9.00", "EUR").record(),
                    // c4 empties its cart again: not an abandoned cart.
                    event(t, "add_to_cart", "2026-03-20T14:11:00Z", "c4", "w4").item("SKU-3", "Hat", "B", "Hats",
                            "20.00", 1).value("20.00", "EUR").record(),
                    event(t, "remove_from_cart", "2026-03-20T14:12:00Z", "c4", "w4").item("SKU-3", "Hat", "B",
                            "Hats", "20.00", 1).value("20.00", "EUR").record(),
                    // Later traffic moves the watermark past 15:00 + lateness + session gap: the hour closes and
                    // both sessions time out.
                    event(t, "page_view", "2026-03-20T15:45:00Z", "c3", "w3").page("/").record()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).until(() -> {
                query.processAllAvailable();
                return rows(config, "SELECT 1 FROM alerts WHERE tenant_id = ?::uuid", t).size() >= 2;
            });
            query.processAllAvailable();
        } finally {
            query.stop();
        }
        List<Map<String, Object>> alerts = rows(config, "SELECT alert_id, kind, details::text AS details FROM alerts "
                + "WHERE tenant_id = ?::uuid ORDER BY kind", t);
        assertThat(alerts).extracting(a -> a.get("kind")).containsExactly("cart_abandoned", "conversion_anomaly");
        com.fasterxml.jackson.databind.JsonNode cart = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree((String) alerts.get(0).get("details"));
        assertThat(cart.get("session_id").asText()).isEqualTo("c2");
        assertThat(cart.get("user_id").asText()).isEqualTo("cust-7");
        assertThat(cart.get("cart_value").asText()).isEqualTo("9.0000");
        assertThat(cart.get("cart_items").toString()).isEqualTo("[\"SKU-2\"]");
        // z = (1/3 - 0.05) / sample sd of the baseline rates, worked out here on its own.
        double mean = 0.05;
        double sd = Math.sqrt((4 * 0.01 * 0.01) / 6);
        com.fasterxml.jackson.databind.JsonNode conversion = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree((String) alerts.get(1).get("details"));
        assertThat(conversion.get("z").asDouble()).isCloseTo((1.0 / 3 - mean) / sd,
                org.assertj.core.api.Assertions.within(0.001));
        assertThat(alerts.get(1).get("alert_id")).isEqualTo("conversion_anomaly:2026-03-20T14:00:00Z");
        assertThat(SparkTestSupport.publishedAlerts(config, t)).extracting(a -> a.get("alert_id").asText())
                .containsExactlyInAnyOrder((String) alerts.get(0).get("alert_id"),
                        (String) alerts.get(1).get("alert_id"));
    }

    @Test
    void aSessionCarriedOnOverBatchesKeepsWhetherItIsItsVisitorsFirst() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-carried");
        String t = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        runBatches(config,
                // vN's first session sN; vR's first session sR1 and its second, sR2.
                List.of(event(t, "page_view", "2026-03-15T09:00:00Z", "sR1", "vR").page("/r").record(),
                        event(t, "page_view", "2026-03-15T10:00:00Z", "sN", "vN").page("/n").record(),
                        event(t, "page_view", "2026-03-15T10:01:00Z", "sR2", "vR").page("/r2").record()),
                // Both go on in later batches, their starts unchanged: no visitor look-up, the first batch's answer
                // kept.
                List.of(event(t, "page_view", "2026-03-15T10:03:00Z", "sN", "vN").page("/n2").record(),
                        event(t, "page_view", "2026-03-15T10:04:00Z", "sR2", "vR").page("/r3").record()),
                List.of(event(t, "page_view", "2026-03-15T10:06:00Z", "sN", "vN").page("/n3").record(),
                        event(t, "page_view", "2026-03-15T10:33:00Z", "sR2", "vR").page("/r4").record()),
                // sR2 goes on into the next hour: its visitor is counted in a bucket no earlier batch of it reached.
                // The watermark (11:01 - 10 min) now passes the end sR2 had when it opened (10:31): its timer fires,
                // finds it carried on and sets the next at its end as it is then.
                List.<String[]>of(event(t, "page_view", "2026-03-15T11:01:00Z", "sR2", "vR").page("/r5").record()),
                // Within the gap of 11:01: still sR2's one session, not a second.
                List.<String[]>of(event(t, "page_view", "2026-03-15T11:20:00Z", "sR2", "vR").page("/r6").record()),
                // Another shop's traffic moves the watermark to 12:20 (the batch after 12:30 runs with it), past
                // sR2's end (11:50): the timer set when its first one fired ends it.
                List.<String[]>of(event(other, "page_view", "2026-03-15T12:30:00Z", "o", "vO").page("/").record()),
                List.<String[]>of(event(other, "page_view", "2026-03-15T12:31:00Z", "o", "vO").page("/").record()));
        assertThat(rows(config, "SELECT session_id, events, new_visitor, ended FROM sessions WHERE tenant_id = "
                + "?::uuid ORDER BY session_id", t)).containsExactly(
                        Map.of("session_id", "sN", "events", 3, "new_visitor", true, "ended", true),
                        Map.of("session_id", "sR1", "events", 1, "new_visitor", true, "ended", true),
                        Map.of("session_id", "sR2", "events", 5, "new_visitor", false, "ended", true));
        // Users (docs/metrics.md, "users": distinct visitors per grain): each bucket a carried-on session reaches
        // counts its visitor.
        assertThat(rows(config, "SELECT to_char(bucket, 'HH24:MI') AS m, users FROM visitors_minute WHERE tenant_id "
                + "= ?::uuid ORDER BY bucket", t)).extracting(r -> r.get("m") + "=" + r.get("users")).containsExactly(
                        "09:00=1", "10:00=1", "10:01=1", "10:03=1", "10:04=1", "10:06=1", "10:33=1", "11:01=1",
                        "11:20=1");
        assertThat(rows(config, "SELECT to_char(bucket, 'HH24') AS h, users FROM visitors_hour WHERE tenant_id "
                + "= ?::uuid ORDER BY bucket", t)).extracting(r -> r.get("h") + "=" + r.get("users"))
                .containsExactly("09=1", "10=2", "11=1");
        assertThat(rows(config, "SELECT bucket, new_sessions FROM traffic_minute WHERE tenant_id = ?::uuid AND "
                + "new_sessions <> 0 ORDER BY bucket", t)).containsExactly(
                        Map.of("bucket", ts("2026-03-15T09:00:00Z"), "new_sessions", 1L),
                        Map.of("bucket", ts("2026-03-15T10:00:00Z"), "new_sessions", 1L));
        assertThat(row(config, "SELECT sessions, new_sessions, bounced_sessions FROM traffic_day WHERE tenant_id = "
                + "?::uuid", t)).containsEntry("sessions", 3L).containsEntry("new_sessions", 2L)
                .containsEntry("bounced_sessions", 1L);
        assertThat(row(config, "SELECT users, new_users FROM visitors_day WHERE tenant_id = ?::uuid", t))
                .containsEntry("users", 2L).containsEntry("new_users", 2L);
    }

    @Test
    void aSessionIdUsedAgainAfterTheGapIsALaterSessionOfTheSameVisitor() throws Exception {
        JobConfig config = SparkTestSupport.config("traffic-reuse");
        String t = UUID.randomUUID().toString();
        SparkTestSupport.send(config, config.topics().events(), List.of(
                event(t, "page_view", "2026-03-14T10:00:00Z", "r", "vr").page("/a").record(),
                // 45 minutes later, the same session id: the inactivity gap made it a second session.
                event(t, "page_view", "2026-03-14T10:45:00Z", "r", "vr").page("/b").record()));
        runToEnd(config);
        assertThat(row(config, "SELECT sessions, new_sessions, bounced_sessions FROM traffic_day WHERE tenant_id = "
                + "?::uuid", t)).containsEntry("sessions", 2L).containsEntry("new_sessions", 1L)
                .containsEntry("bounced_sessions", 2L);
        assertThat(rows(config, "SELECT started_at, new_visitor FROM sessions WHERE tenant_id = ?::uuid ORDER BY "
                + "started_at", t)).containsExactly(Map.of("started_at", ts("2026-03-14T10:00:00Z"), "new_visitor",
                        true), Map.of("started_at", ts("2026-03-14T10:45:00Z"), "new_visitor", false));
        assertThat(row(config, "SELECT users, new_users FROM visitors_day WHERE tenant_id = ?::uuid", t))
                .containsEntry("users", 1L).containsEntry("new_users", 1L);
    }
}
