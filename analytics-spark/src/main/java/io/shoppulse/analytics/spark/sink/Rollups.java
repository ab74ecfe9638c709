package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Adds a batch's minute deltas, loaded into a temporary table, to a family of rollup tables: each grain sums the
 * deltas into its own buckets ({@code date_trunc} in UTC) and adds them to what is there, keyed by tenant, bucket
 * and group. Additive upserts are what make a rollup exact across batches; the batch record makes them happen once.
 */
public final class Rollups {

    private Rollups() {
    }

    /** A target table and the grain of its buckets ({@code minute}, {@code hour} or {@code day}). */
    public record Target(String table, String grain) {
    }

    public static void add(Connection c, String temp, List<Target> targets, List<String> groupColumns,
            List<String> sumColumns) throws SQLException {
        String groups = String.join(", ", groupColumns);
        String sums = sumColumns.stream().map(s -> "sum(" + s + ")").collect(Collectors.joining(", "));
        try (Statement s = c.createStatement()) {
            for (Target t : targets) {
                String updates = sumColumns.stream().map(col -> col + " = " + t.table() + "." + col + " + excluded."
                        + col).collect(Collectors.joining(", "));
                s.executeUpdate("INSERT INTO " + t.table() + " (tenant_id, bucket, " + (groups.isEmpty()
                        ? ""
                        : groups + ", ") + String.join(", ", sumColumns) + ") SELECT tenant_id, date_trunc('"
                        + t.grain() + "', bucket)" + (groups.isEmpty() ? "" : ", " + groups) + ", " + sums + " FROM "
                        + temp + " GROUP BY tenant_id, date_trunc('" + t.grain() + "', bucket)"
                        + (groups.isEmpty() ? "" : ", " + groups) + " ON CONFLICT (tenant_id, bucket"
                        + (groups.isEmpty() ? "" : ", " + groups) + ") DO UPDATE SET " + updates);
            }
        }
    }
}
