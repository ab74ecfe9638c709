package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/** Pairs of products seen together (viewed in one session, bought in one order), added to analytics.co_occurrence. */
public final class CoOccurrence {

    /** Two products of a tenant, {@code a} before {@code b}. */
    public record Pair(UUID tenant, String a, String b) {
        public static Pair of(UUID tenant, String x, String y) {
            return x.compareTo(y) < 0 ? new Pair(tenant, x, y) : new Pair(tenant, y, x);
        }
    }

    private CoOccurrence() {
    }

    /** Adds a batch's counts of {@code kind} ({@code viewed} or {@code bought}). */
    public static void add(Connection c, String kind, Map<Pair, Long> pairs) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        Copy copy = new Copy();
        pairs.forEach((p, n) -> copy.row(p.tenant(), p.a(), p.b(), n));
        copy.into(c, "tmp_pairs_" + kind, "tenant_id uuid, item_a text, item_b text, count bigint");
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO co_occurrence (tenant_id, kind, item_a, item_b, count) SELECT tenant_id, '"
                    + kind + "', item_a, item_b, count FROM tmp_pairs_" + kind + " ON CONFLICT (tenant_id, kind, "
                    + "item_a, item_b) DO UPDATE SET count = co_occurrence.count + excluded.count");
        }
    }
}
