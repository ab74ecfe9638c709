package io.shoppulse.analytics.spark.recompute;

import io.shoppulse.analytics.spark.Spark;
import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sales.OrderEvents;
import io.shoppulse.analytics.spark.sales.SalesJob;
import io.shoppulse.analytics.spark.sales.SalesSink;
import io.shoppulse.analytics.spark.sink.Postgres;
import io.shoppulse.analytics.spark.traffic.TrafficEvent;
import io.shoppulse.analytics.spark.traffic.TrafficEvents;
import io.shoppulse.analytics.spark.traffic.TrafficJob;
import io.shoppulse.analytics.spark.traffic.TrafficRecord;
import io.shoppulse.analytics.spark.traffic.TrafficSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

/**
 * Rebuilds a tenant's analytics for whole UTC days from the raw events ({@code collector.events}: live and imported)
 * and the orders tables, with the streaming code itself run as a batch: the same parsing, sessionizer and sinks.
 * Each day is replaced in one transaction (its rows deleted, then written from scratch), so running it twice, or
 * again after an interruption, never counts twice. This is also the backfill for imported history, whose old event
 * times the streams' watermark drops. Days the streams may still count are refused.
 *
 * <p>Usage: {@code Recompute --tenant UUID --from YYYY-MM-DD --to YYYY-MM-DD} (both days included).
 */
public final class Recompute {

    private static final Logger LOG = LoggerFactory.getLogger(Recompute.class);

    /** Rows of a day deleted before it is rebuilt: table and time column. */
    private static final List<String[]> DAY_ROWS = List.of(new String[]{"traffic_minute", "bucket"},
            new String[]{"traffic_hour", "bucket"}, new String[]{"traffic_day", "bucket"},
            new String[]{"visitors_minute", "bucket"}, new String[]{"visitors_hour", "bucket"},
            new String[]{"visitors_day", "bucket"}, new String[]{"visitor_presence", "bucket"},
            new String[]{"sessions", "started_at"}, new String[]{"visitors", "first_seen"},
            new String[]{"product_minute", "bucket"}, new String[]{"product_hour", "bucket"},
            new String[]{"sales_minute", "bucket"}, new String[]{"sales_hour", "bucket"},
            new String[]{"sales_day", "bucket"}, new String[]{"product_sales_minute", "bucket"},
            new String[]{"product_sales_hour", "bucket"});

    /** What to rebuild. */
    public record Plan(UUID tenant, LocalDate from, LocalDate to) {
    }

    private Recompute() {
    }

    public static void main(String[] args) {
        JobConfig config = JobConfig.fromEnv();
        Plan plan;
        try {
            plan = plan(args, config, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            System.err.println("recompute: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = Spark.session(config, "shoppulse-recompute");
        try {
            run(spark, config, plan);
        } catch (IllegalStateException e) {
            System.err.println("recompute: " + e.getMessage());
            spark.stop();
            System.exit(1);
        }
        spark.stop();
    }

    /** Reads and checks the arguments; the last day must be one the streams no longer count. */
    public static Plan plan(String[] args, JobConfig config, Clock clock) {
        UUID tenant = null;
        LocalDate from = null;
        LocalDate to = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            try {
                switch (args[i]) {
                    case "--tenant" -> tenant = UUID.fromString(require(args[i], value));
                    case "--from" -> from = LocalDate.parse(require(args[i], value));
                    case "--to" -> to = LocalDate.parse(require(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (expected --tenant UUID --from YYYY-MM-DD --to YYYY-MM-DD)");
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(args[i] + " must be a date YYYY-MM-DD, not '" + value + "'");
            }
            i++;
        }
        if (tenant == null || from == null || to == null) {
            throw new IllegalArgumentException("--tenant, --from and --to are required");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        Instant settled = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(config.lateness())
                .plus(config.sessionGap());
        if (settled.isAfter(clock.instant())) {
            throw new IllegalArgumentException("the streams still count " + to + " until " + settled
                    + "; recompute days that ended more than the lateness plus the session gap ago");
        }
        return new Plan(tenant, from, to);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    public static void run(SparkSession spark, JobConfig config, Plan plan) {
        Postgres db = new Postgres(config);
        try (Connection c = db.open()) {
            requireStreamsPast(c, config, plan);
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the streams' progress: " + e.getMessage(), e);
        }
        for (LocalDate day = plan.from(); !day.isAfter(plan.to()); day = day.plusDays(1)) {
            Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant end = start.plus(1, ChronoUnit.DAYS);
            // Sessions that start the day before, or run past midnight, need their other events: a day of margin.
            List<TrafficRecord> traffic = TrafficJob.sessionizeBatch(events(spark, config, plan.tenant(),
                    start.minus(1, ChronoUnit.DAYS), end.plus(1, ChronoUnit.DAYS)), config).collectAsList();
            List<Row> orders = OrderEvents.parse(orders(spark, config, plan.tenant(), start, end)).collectAsList();
            TrafficSink trafficSink = TrafficSink.recompute(new TrafficSink.Range(plan.tenant(), start, end));
            SalesSink salesSink = SalesSink.recompute();
            try (Connection c = db.open()) {
                trafficSink.preparePartitions(c, traffic);
                salesSink.preparePartitions(c, orders);
                c.commit();
                try {
                    clear(c, plan.tenant(), start, end);
                    TrafficSink.Result r = trafficSink.write(c, traffic);
                    int counted = salesSink.write(c, orders).counted();
                    c.commit();
                    LOG.info("recomputed {} for tenant {}: {} events, {} sessions, {} order events", day,
                            plan.tenant(), r.events(), r.sessions(), counted);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("recompute of " + day + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A day is rebuilt only once the streams are done with it: each stream that ever counted must have counted
     * events past the day's end plus the lateness and the session gap (else an event of the day could still be counted
     * by the stream after the rebuild read it from the raw store), and no session that started that day may still
     * be open in the stream's state (its later changes would be added to the rebuilt figures).
     */
    static void requireStreamsPast(Connection c, JobConfig config, Plan plan) throws SQLException {
        Instant end = plan.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant needed = end.plus(config.lateness()).plus(config.sessionGap());
        Instant trafficNewest = null;
        for (String stream : List.of(TrafficJob.QUERY + "@" + config.topics().events(),
                SalesJob.QUERY + "@" + config.topics().orders())) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT newest_time FROM stream_progress WHERE query_name = ?")) {
                ps.setString(1, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue; // never streamed: nothing to meet
                    }
                    Instant newest = rs.getTimestamp(1).toInstant();
                    if (stream.startsWith(TrafficJob.QUERY + "@")) {
                        trafficNewest = newest;
                    }
                    if (newest.isBefore(needed)) {
                        throw new IllegalStateException("the stream " + stream + " has counted up to " + newest
                                + "; " + plan.to() + " can be recomputed once it is past " + needed);
                    }
                }
            }
        }
        requireArchivePast(config, end.plus(config.lateness()));
        if (trafficNewest == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM sessions WHERE tenant_id = ? AND "
                + "started_at >= ? AND started_at < ? AND NOT ended AND last_event_at > ?")) {
            ps.setObject(1, plan.tenant());
            ps.setTimestamp(2, Timestamp.from(plan.from().atStartOfDay(ZoneOffset.UTC).toInstant()));
            ps.setTimestamp(3, Timestamp.from(end));
            // Still open in the stream: its inactivity gap has not passed the stream's watermark.
            ps.setTimestamp(4, Timestamp.from(trafficNewest.minus(config.lateness()).minus(config.sessionGap())));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    throw new IllegalStateException(rs.getLong(1) + " sessions that started in the range are still "
                            + "open in the traffic stream; recompute once they have ended");
                }
            }
        }
    }

    /**
     * The raw store holds a day's live events only once the collector's archive has consumed them: its consumer group
     * must have committed, on every partition of the events topic, past the first record Kafka received after the
     * day (and the lateness). A topic the archive never consumed (imported history only) has nothing to wait for.
     */
    public static void requireArchivePast(JobConfig config, Instant after) {
        String topic = config.topics().events();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.archiveGroup())
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            committed.keySet().stream().filter(p -> p.topic().equals(topic))
                    .forEach(p -> wanted.put(p, OffsetSpec.forTimestamp(after.toEpochMilli())));
            if (wanted.isEmpty()) {
                return;
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> firstAfter = admin.listOffsets(wanted).all()
                    .get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            wanted.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(20, TimeUnit.SECONDS);
            for (TopicPartition p : wanted.keySet()) {
                long needed = firstAfter.get(p).offset() >= 0 ? firstAfter.get(p).offset() : ends.get(p).offset();
                OffsetAndMetadata done = committed.get(p);
                if (done == null || done.offset() < needed) {
                    throw new IllegalStateException("the collector's archive has stored " + topic + " partition "
                            + p.partition() + " up to offset " + (done == null ? "none" : done.offset())
                            + ", not yet past " + after + " (offset " + needed + "); recompute once it has");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the archive's progress", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return; // no archive has ever consumed: nothing to wait for
            }
            throw new IllegalStateException("cannot read the archive's progress from Kafka: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot read the archive's progress from Kafka: " + e.getMessage(), e);
        }
    }

    private static void clear(Connection c, UUID tenant, Instant start, Instant end) throws SQLException {
        for (String[] t : DAY_ROWS) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + t[0] + " WHERE tenant_id = ? AND "
                    + t[1] + " >= ? AND " + t[1] + " < ?")) {
                delete.setObject(1, tenant);
                delete.setTimestamp(2, Timestamp.from(start));
                delete.setTimestamp(3, Timestamp.from(end));
                delete.executeUpdate();
            }
        }
    }

    /** A tenant's raw events of [from, to) as contract JSON, with the columns the store keeps beside the payload. */
    static Dataset<TrafficEvent> events(SparkSession spark, JobConfig config, UUID tenant, Instant from, Instant to) {
        String sql = "(SELECT (payload || jsonb_build_object('tenant_id', tenant_id, 'event_id', event_id, "
                + "'occurred_at', occurred_at, 'type', type, 'session_id', session_id, 'anonymous_id', anonymous_id))"
                + "::text AS raw, occurred_at FROM collector.events WHERE tenant_id = '" + tenant
                + "' AND occurred_at >= '" + from
                + "' AND occurred_at < '" + to + "') raw_events";
        // Read in hourly slices over several partitions, streamed from the server (fetch size), not in one result.
        Dataset<Row> raw = spark.read().format("jdbc").options(jdbc(config)).option("dbtable", sql)
                .option("partitionColumn", "occurred_at").option("lowerBound", from.toString())
                .option("upperBound", to.toString())
                .option("numPartitions", String.valueOf(Math.max(1, Duration.between(from, to).toHours() / 12)))
                .load();
        return TrafficEvents.parse(coordinates(raw, "recompute:collector.events:" + tenant + ":" + from));
    }

    /**
     * A tenant's order events of [from, to) rebuilt from the orders tables in the shape of shop.orders.v1: orders
     * placed, refunds made and orders cancelled in the range.
     */
    static Dataset<Row> orders(SparkSession spark, JobConfig config, UUID tenant, Instant from, Instant to) {
        String t = "'" + tenant + "'";
        String range = " >= '" + from + "' AND %s < '" + to + "'";
        String order = "jsonb_build_object('order_id', o.order_id, 'placed_at', o.placed_at, 'cancelled_at', "
                + "o.cancelled_at, 'currency', o.currency, 'country', o.country, 'total', o.total, 'refunded', "
                + "o.refunded, 'lines', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', l.kind, 'sku', l.sku, "
                + "'quantity', l.quantity, 'amount', l.amount, 'refund_id', l.refund_id) ORDER BY l.line_no) FROM "
                + "orders.order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.order_id AND l.placed_at = "
                + "o.placed_at AND %s), '[]'::jsonb))";
        String sql = "(SELECT jsonb_build_object('event_id', 'placed:' || o.order_id, 'type', 'order.placed', "
                + "'tenant_id', o.tenant_id, 'order', " + String.format(order, "l.kind = 'sale'")
                + ")::text AS raw FROM orders.orders o WHERE o.tenant_id = " + t + " AND o.placed_at"
                + String.format(range, "o.placed_at")
                + " UNION ALL SELECT jsonb_build_object('event_id', 'refund:' || r.order_id || ':' || r.refund_id, "
                + "'type', 'order.refunded', 'tenant_id', o.tenant_id, 'refund', jsonb_build_object('refund_id', "
                + "r.refund_id, 'amount', r.amount, 'refunded_at', r.refunded_at), 'order', "
                + String.format(order, "l.refund_id = r.refund_id") + ")::text FROM orders.refunds r JOIN "
                + "orders.order_keys k ON k.tenant_id = r.tenant_id AND k.order_id = r.order_id JOIN orders.orders o "
                + "ON o.tenant_id = k.tenant_id AND o.order_id = k.order_id AND o.placed_at = k.placed_at "
                + "WHERE r.tenant_id = " + t + " AND r.refunded_at" + String.format(range, "r.refunded_at")
                + " UNION ALL SELECT jsonb_build_object('event_id', 'cancel:' || o.order_id, 'type', "
                + "'order.cancelled', 'tenant_id', o.tenant_id, 'order', " + String.format(order, "true")
                + ")::text FROM orders.orders o WHERE o.tenant_id = " + t + " AND o.placed_at < '" + to
                + "' AND o.cancelled_at" + String.format(range, "o.cancelled_at") + ") order_events";
        return coordinates(spark.read().format("jdbc").options(jdbc(config)).option("dbtable", sql).load(),
                "recompute:orders:" + tenant + ":" + from);
    }

    /** Rows of a recompute get coordinates of their own, so each unreadable one keeps its own dead letter. */
    private static Dataset<Row> coordinates(Dataset<Row> raw, String source) {
        return raw.withColumn("topic", lit(source)).withColumn("kafka_partition", lit(-1))
                .withColumn("kafka_offset", monotonically_increasing_id())
                .withColumn("kafka_time", lit(null).cast("timestamp"));
    }

    private static Map<String, String> jdbc(JobConfig config) {
        return Map.of("url", config.jdbcUrl(), "user", config.dbUser(), "password", config.dbPassword(), "driver",
                "org.postgresql.Driver", "fetchsize", "5000");
    }

}
