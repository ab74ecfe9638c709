package io.shoppulse.orders.repository;

import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.service.OrderRules;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Loads many validated orders at once: COPY into temporary tables shaped like the real ones, then one INSERT per
 * table of only the orders whose id the tenant did not have yet. A re-imported file therefore changes nothing, and
 * PostgreSQL routes every row into its month's partition.
 */
@ApplicationScoped
public class OrderBulkLoader {

    /** An order as the import made it: its final state, and the refunds that got it there. */
    public record Loadable(Order order, List<OrderRules.Refund> refunds) {
    }

    /** Creates the connection's staging tables once; they empty themselves at every commit. */
    public void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_orders (LIKE orders INCLUDING DEFAULTS)"
                    + " ON COMMIT DELETE ROWS");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_lines (LIKE order_lines INCLUDING DEFAULTS)"
                    + " ON COMMIT DELETE ROWS");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_refunds (LIKE refunds INCLUDING DEFAULTS)"
                    + " ON COMMIT DELETE ROWS");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_new (order_id text PRIMARY KEY) ON COMMIT DELETE ROWS");
        }
    }

    /** Loads the batch in the caller's transaction; returns the ids of the orders that were new. */
    public Set<String> load(Connection c, UUID tenant, List<Loadable> batch) throws SQLException {
        StringBuilder orders = new StringBuilder(batch.size() * 160);
        StringBuilder lines = new StringBuilder(batch.size() * 400);
        StringBuilder refunds = new StringBuilder();
        String t = tenant.toString();
        for (Loadable l : batch) {
            Order o = l.order();
            row(orders, t, o.orderId(), o.placedAt(), o.status().value(), o.currency(), o.customerId(),
                    o.anonymousId(), o.sessionId(), o.country(), o.subtotal(), o.discount(), o.tax(), o.shipping(),
                    o.total(), o.refunded(), o.paidAt(), o.shippedAt(), o.deliveredAt(), o.cancelledAt(),
                    o.cancelReason(), "import", o.version());
            for (Order.Line line : o.lines()) {
                Instant created = line.refundId() == null ? o.placedAt() : refundedAt(l, line.refundId());
                row(lines, t, o.orderId(), o.placedAt(), line.lineNo(), line.kind(), line.sku(), line.name(),
                        line.quantity(), line.unitPrice(), line.discount(), line.amount(), line.refundId(), created);
            }
            for (OrderRules.Refund r : l.refunds()) {
                row(refunds, t, o.orderId(), r.lines().get(0).refundId(), r.amount(), r.at());
            }
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy(copy, "COPY import_orders (tenant_id, order_id, placed_at, status, currency, customer_id, anonymous_id,"
                + " session_id, country, subtotal, discount, tax, shipping, total, refunded, paid_at, shipped_at,"
                + " delivered_at, cancelled_at, cancel_reason, origin, version) FROM STDIN (FORMAT csv)", orders);
        copy(copy, "COPY import_lines (tenant_id, order_id, placed_at, line_no, kind, sku, name, quantity, unit_price,"
                + " discount, amount, refund_id, created_at) FROM STDIN (FORMAT csv)", lines);
        if (!refunds.isEmpty()) {
            copy(copy, "COPY import_refunds (tenant_id, order_id, refund_id, amount, refunded_at) FROM STDIN"
                    + " (FORMAT csv)", refunds);
        }
        Set<String> created = new HashSet<>();
        try (Statement s = c.createStatement()) {
            s.execute("WITH claimed AS (INSERT INTO order_keys (tenant_id, order_id, placed_at)"
                    + " SELECT tenant_id, order_id, placed_at FROM import_orders ON CONFLICT DO NOTHING"
                    + " RETURNING order_id) INSERT INTO import_new SELECT order_id FROM claimed");
            s.execute("INSERT INTO orders SELECT o.* FROM import_orders o JOIN import_new n USING (order_id)");
            s.execute("INSERT INTO order_lines SELECT l.* FROM import_lines l JOIN import_new n USING (order_id)");
            if (!refunds.isEmpty()) {
                s.execute("INSERT INTO refunds SELECT r.* FROM import_refunds r JOIN import_new n USING (order_id)");
            }
            try (ResultSet rs = s.executeQuery("SELECT order_id FROM import_new")) {
                while (rs.next()) {
                    created.add(rs.getString(1));
                }
            }
        }
        return created;
    }

    private static Instant refundedAt(Loadable l, String refundId) {
        return l.refunds().stream().filter(r -> refundId.equals(r.lines().get(0).refundId())).findFirst()
                .map(OrderRules.Refund::at).orElse(l.order().placedAt());
    }

    private static void copy(CopyManager copy, String sql, StringBuilder data) throws SQLException {
        try {
            copy.copyIn(sql, new StringReader(data.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One CSV line for COPY: null is an empty unquoted field, text is quoted with quotes doubled. */
    private static void row(StringBuilder out, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = values[i];
            if (v == null) {
                continue;
            }
            if (v instanceof String s) {
                out.append('"');
                for (int k = 0; k < s.length(); k++) {
                    char ch = s.charAt(k);
                    if (ch == '"') {
                        out.append('"');
                    }
                    out.append(ch);
                }
                out.append('"');
            } else if (v instanceof BigDecimal d) {
                out.append(d.toPlainString());
            } else {
                out.append(v); // numbers, and instants in ISO 8601 (UTC), which timestamptz reads as they are
            }
        }
        out.append('\n');
    }
}
