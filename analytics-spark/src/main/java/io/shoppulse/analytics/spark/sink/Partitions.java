package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the partitions a batch writes into (analytics.ensure_partitions, the naming and lock of common's
 * PartitionMaintainer): the service keeps the current ones ahead, late data and recomputes reach older ones.
 */
public final class Partitions {

    /**
     * Partitions this process has made sure of: a batch asks again only for a day or month it has not seen, instead of
     * a round trip per table and day on every batch. (The maintenance drops only partitions past retention, older
     * than anything the watermark lets through.)
     */
    private static final Set<String> ENSURED = ConcurrentHashMap.newKeySet();

    private Partitions() {
    }

    /**
     * For every distinct day (granularity day) or month of {@code times}, the partition of {@code table}. Commits:
     * call it before the batch's own transaction.
     */
    public static void ensure(Connection c, String table, String granularity, Collection<Instant> times)
            throws SQLException {
        TreeSet<LocalDate> starts = new TreeSet<>();
        for (Instant t : times) {
            LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC);
            LocalDate start = "month".equals(granularity) ? day.withDayOfMonth(1) : day;
            if (!ENSURED.contains(table + "@" + start)) {
                starts.add(start);
            }
        }
        if (starts.isEmpty()) {
            return;
        }
        try (PreparedStatement ensure = c.prepareStatement("SELECT ensure_partitions(?, ?, ?, ?)")) {
            for (LocalDate start : starts) {
                LocalDate end = "month".equals(granularity) ? start.plusMonths(1) : start.plusDays(1);
                ensure.setString(1, table);
                ensure.setString(2, granularity);
                ensure.setTimestamp(3, Timestamp.from(start.atStartOfDay(ZoneOffset.UTC).toInstant()));
                ensure.setTimestamp(4, Timestamp.from(end.atStartOfDay(ZoneOffset.UTC).toInstant()));
                ensure.executeQuery().close();
            }
        }
        c.commit();
        starts.forEach(start -> ENSURED.add(table + "@" + start));
    }
}
