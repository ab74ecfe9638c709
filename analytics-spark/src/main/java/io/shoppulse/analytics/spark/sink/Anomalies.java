package io.shoppulse.analytics.spark.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Anomalies of a closed hour (docs/metrics.md, "Alerts"): the hour's value against the same hour of the previous
 * 7 days that have data; an alert when |z| exceeds the configured threshold. Each hour is judged once per stream,
 * when it has closed (its end is older than the newest time the stream counted, less what may still arrive).
 */
public final class Anomalies {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** At least this many baseline days, or there is no baseline to judge by. */
    static final int MIN_BASELINE = 3;

    private Anomalies() {
    }

    /** A measure per hour: SQL answering one numeric value (or no row) for parameters (tenant, hour start). */
    public record Measure(String kind, String title, String sql) {
    }

    /** Hours of the last {@code lookback} that closed before {@code closedBefore}, claimed once per scope. */
    static List<Instant> claimHours(Connection c, String scope, Instant closedBefore, Duration lookback)
            throws SQLException {
        List<Instant> hours = new ArrayList<>();
        Instant last = closedBefore.truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO anomaly_hours (scope, hour) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (Instant h = last.minus(lookback); !h.isAfter(last); h = h.plus(1, ChronoUnit.HOURS)) {
                ps.setString(1, scope);
                ps.setTimestamp(2, Timestamp.from(h));
                if (ps.executeUpdate() == 1) {
                    hours.add(h);
                }
            }
        }
        return hours;
    }

    /**
     * Judges every hour that closed before {@code closedBefore} (the last and the 3 before it not judged yet, claimed
     * once per {@code scope}) for every candidate: {@code candidatesSql} answers (tenant_id, key) for the parameters
     * (start of the week before the hour, the hour), and {@code measure} gives the key's measure. So a tenant whose
     * records stopped is judged too, not only the tenants of a batch.
     */
    public static List<Alerts.Alert> closedHours(Connection c, String scope, Instant closedBefore,
            String candidatesSql, Function<String, Measure> measure, double zLimit) throws SQLException {
        List<Alerts.Alert> alerts = new ArrayList<>();
        for (Instant hour : claimHours(c, scope, closedBefore, Duration.ofHours(3))) {
            List<Object[]> candidates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(candidatesSql)) {
                ps.setTimestamp(1, Timestamp.from(hour.truncatedTo(ChronoUnit.DAYS).minus(7, ChronoUnit.DAYS)));
                ps.setTimestamp(2, Timestamp.from(hour));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Object[]{rs.getObject(1, UUID.class), rs.getString(2).trim()});
                    }
                }
            }
            for (Object[] candidate : candidates) {
                check(c, (UUID) candidate[0], measure.apply((String) candidate[1]), hour, zLimit)
                        .ifPresent(alerts::add);
            }
        }
        return alerts;
    }

    /** Judges one hour; answers the alert to raise, if any. */
    public static Optional<Alerts.Alert> check(Connection c, UUID tenant, Measure m, Instant hour, double zLimit)
            throws SQLException {
        BigDecimal value = value(c, m, tenant, hour);
        if (value == null) {
            return Optional.empty();
        }
        List<Double> baseline = new ArrayList<>();
        for (int d = 1; d <= 7; d++) {
            BigDecimal v = value(c, m, tenant, hour.minus(d, ChronoUnit.DAYS));
            if (v != null) {
                baseline.add(v.doubleValue());
            }
        }
        if (baseline.size() < MIN_BASELINE) {
            return Optional.empty();
        }
        double mean = baseline.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double variance = baseline.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (baseline.size() - 1);
        double sd = Math.sqrt(variance);
        if (sd == 0) {
            return Optional.empty();
        }
        double z = (value.doubleValue() - mean) / sd;
        if (Math.abs(z) <= zLimit) {
            return Optional.empty();
        }
        ObjectNode details = JSON.createObjectNode();
        details.put("hour", hour.toString());
        details.put("value", value.toPlainString());
        details.put("baseline_mean", round(mean));
        details.put("baseline_sd", round(sd));
        details.put("z", round(z));
        details.put("baseline_days", baseline.size());
        details.put("direction", z > 0 ? "above" : "below");
        String id = m.kind() + ":" + hour;
        return Optional.of(new Alerts.Alert(tenant, id, m.kind().split(":")[0], "warning", hour.plus(1,
                ChronoUnit.HOURS), m.title() + " " + (z > 0 ? "above" : "below") + " its usual level at " + hour,
                details.toString()));
    }

    private static BigDecimal value(Connection c, Measure m, UUID tenant, Instant hour) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(m.sql())) {
            ps.setObject(1, tenant);
            ps.setTimestamp(2, Timestamp.from(hour));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1) : null;
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
