package io.shoppulse.analytics.spark.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.Copy;
import io.shoppulse.analytics.spark.sink.DeadLetters;
import io.shoppulse.analytics.spark.sink.DeadLetters.DeadLetter;
import io.shoppulse.analytics.spark.sink.Partitions;
import io.shoppulse.analytics.spark.sink.Rollups;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes one batch of refused events: counts added to analytics.intake_errors_minute, {@code intake_error_spike}
 * alerts for the minutes the batch touched, dead letters. The caller owns the transaction and the batch record.
 */
public final class IntakeErrorsSink {

    /** The checkout steps: a refusal among them costs sales at once (docs/metrics.md). */
    static final Set<String> CHECKOUT = Set.of("begin_checkout", "add_shipping_info", "add_payment_info", "purchase");
    /** A spike: at least this many refusals in a minute ... */
    static final long SPIKE_MIN = 10;
    /** ... and more than this many times the average minute of the hour before. */
    static final long SPIKE_FACTOR = 5;
    static final int BASELINE_MINUTES = 60;
    private static final int TOP_ERRORS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Key(UUID tenant, Instant minute, boolean checkout) {
    }

    private record Pair(String field, String reason) {
    }

    /** What a batch changed, for logs and tests. */
    public record Result(int refusals, int alerts, int deadLetters) {
    }

    private final Map<Key, Long> counts = new HashMap<>();
    private final Map<Key, Map<Pair, Long>> pairs = new HashMap<>();
    private final List<DeadLetter> dead = new ArrayList<>();
    private int refusals;

    /** Counts the query's rows (see {@link IntakeErrorsJob#parse}) once, before the transaction that may be retried. */
    public IntakeErrorsSink(List<Row> rows) {
        for (Row r : rows) {
            if (r.getAs("problem") != null) {
                dead.add(new DeadLetter(r.getAs("topic"), r.<Integer>getAs("kafka_partition"),
                        r.<Long>getAs("kafka_offset"), r.getAs("problem"), r.getAs("raw")));
                continue;
            }
            Object received = r.getAs("received_at");
            Instant at = received instanceof Timestamp t ? t.toInstant() : (Instant) received;
            String type = r.getAs("type");
            Key key = new Key(UUID.fromString(r.getAs("tenant_id")), at.truncatedTo(ChronoUnit.MINUTES),
                    type != null && CHECKOUT.contains(type));
            counts.merge(key, 1L, Long::sum);
            refusals++;
            List<Row> errors = r.getList(r.fieldIndex("errors"));
            if (errors != null) {
                Map<Pair, Long> seen = pairs.computeIfAbsent(key, k -> new HashMap<>());
                for (Row e : errors) {
                    if (e != null) {
                        seen.merge(new Pair(e.getAs("field"), e.getAs("reason")), 1L, Long::sum);
                    }
                }
            }
        }
    }

    /** The day partitions of the batch's minutes, made (and committed) before the batch's own transaction. */
    public void preparePartitions(Connection c) throws SQLException {
        Partitions.ensure(c, "analytics.intake_errors_minute", "day",
                counts.keySet().stream().map(Key::minute).toList());
    }

    public Result write(Connection c) throws SQLException {
        List<Alerts.Alert> alerts = new ArrayList<>();
        if (!counts.isEmpty()) {
            Copy copy = new Copy();
            counts.forEach((k, n) -> copy.row(k.tenant(), k.minute(), k.checkout(), n));
            copy.into(c, "tmp_intake_errors", "tenant_id uuid, bucket timestamptz, checkout boolean, errors bigint");
            Rollups.add(c, "tmp_intake_errors", List.of(new Rollups.Target("intake_errors_minute", "minute")),
                    List.of("checkout"), List.of("errors"));
            alerts = spikes(c);
        }
        int raised = Alerts.store(c, alerts);
        DeadLetters.write(c, IntakeErrorsJob.QUERY, dead);
        return new Result(refusals, raised, dead.size());
    }

    /**
     * Each minute the batch touched, as it now stands, against the hour before it (minutes without refusals count
     * as zero). The alert id names the minute, so a minute that stays above the line raises one alert.
     */
    private List<Alerts.Alert> spikes(Connection c) throws SQLException {
        List<Alerts.Alert> alerts = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT m.tenant_id, m.bucket, "
                        + "m.checkout, m.errors, (SELECT coalesce(sum(p.errors), 0) FROM intake_errors_minute p WHERE "
                        + "p.tenant_id = m.tenant_id AND p.checkout = m.checkout AND p.bucket >= m.bucket - interval '"
                        + BASELINE_MINUTES
                        + " minutes' AND p.bucket < m.bucket) AS previous FROM intake_errors_minute m "
                        + "JOIN tmp_intake_errors t ON t.tenant_id = m.tenant_id AND t.bucket = m.bucket "
                        + "AND t.checkout = m.checkout")) {
            while (rs.next()) {
                long count = rs.getLong(4);
                long previous = rs.getLong(5);
                // count > FACTOR * previous / MINUTES, in integers.
                if (count < SPIKE_MIN || count * BASELINE_MINUTES <= SPIKE_FACTOR * previous) {
                    continue;
                }
                Key key = new Key(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(), rs.getBoolean(3));
                alerts.add(spike(key, count, previous));
            }
        }
        return alerts;
    }

    private Alerts.Alert spike(Key key, long count, long previous) {
        BigDecimal baseline = BigDecimal.valueOf(previous).divide(BigDecimal.valueOf(BASELINE_MINUTES), 2,
                RoundingMode.HALF_UP);
        ObjectNode details = JSON.createObjectNode();
        details.put("minute", key.minute().toString());
        details.put("checkout", key.checkout());
        details.put("count", count);
        details.put("baseline_per_minute", baseline);
        details.put("baseline_minutes", BASELINE_MINUTES);
        ArrayNode top = details.putArray("top_errors");
        pairs.getOrDefault(key, Map.of()).entrySet().stream()
                .sorted(Comparator.<Map.Entry<Pair, Long>>comparingLong(Map.Entry::getValue).reversed()
                        .thenComparing(e -> String.valueOf(e.getKey().field()))
                        .thenComparing(e -> String.valueOf(e.getKey().reason())))
                .limit(TOP_ERRORS).forEach(e -> top.addObject().put("field", e.getKey().field())
                        .put("reason", e.getKey().reason()).put("count", e.getValue()));
        String scope = key.checkout() ? "checkout" : "other";
        String title = (key.checkout() ? "Checkout events refused: " : "Events refused: ") + count + " in the minute "
                + "of " + key.minute() + " (hour before: " + baseline + " a minute)";
        return new Alerts.Alert(key.tenant(), "intake_error_spike:" + key.tenant() + ":" + scope + ":"
                + key.minute(), "intake_error_spike", key.checkout() ? "critical" : "warning", key.minute(), title,
                details.toString());
    }
}
