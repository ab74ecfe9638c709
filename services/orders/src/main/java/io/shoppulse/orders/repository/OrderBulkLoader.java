package io.shoppulse.orders.repository;

import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.service.OrderRules;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Loads many validated orders at once, in the caller's transaction: first the order ids are claimed in order_keys
 * (COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING RETURNING), then the orders, lines and
 * refunds of only the newly claimed ids are streamed by COPY straight into the partitioned tables, which route each
 * row to its month. A re-imported file claims nothing and so changes nothing.
 */
@ApplicationScoped
public class OrderBulkLoader {

    /** An order as the import made it: its final state, and the refunds that got it there. */
    public record Loadable(Order order, List<OrderRules.Refund> refunds) {
    }

    /** Creates the connection's staging table once; it empties itself at every commit. */
    public void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (order_id text, placed_at timestamptz)"
                    + " ON COMMIT DELETE ROWS");
        }
    }

    /** Loads the batch in the caller's transaction; returns the ids of the orders that were new. */
    public Set<String> load(Connection c, UUID tenant, List<Loadable> batch) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        copy(pg, "COPY import_keys (order_id, placed_at) FROM STDIN (FORMAT csv)", out -> {
            for (Loadable l : batch) {
                out.text(l.order().orderId()).value(l.order().placedAt().toString()).end();
            }
        });
        Set<String> created = new HashSet<>();
        try (PreparedStatement claim = c.prepareStatement("INSERT INTO order_keys (tenant_id, order_id, placed_at)"
                + " SELECT ?, order_id, placed_at FROM import_keys ON CONFLICT DO NOTHING RETURNING order_id")) {
            claim.setObject(1, tenant);
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    created.add(rs.getString(1));
                }
            }
        }
        if (created.isEmpty()) {
            return created;
        }
        String t = tenant.toString();
        copy(pg, "COPY orders (tenant_id, order_id, placed_at, status, currency, customer_id, anonymous_id,"
                + " session_id, country, subtotal, discount, tax, shipping, total, refunded, paid_at, shipped_at,"
                + " delivered_at, cancelled_at, cancel_reason, origin, version) FROM STDIN (FORMAT csv)", out -> {
                    for (Loadable l : batch) {
                        Order o = l.order();
                        if (created.contains(o.orderId())) {
                            out.value(t).text(o.orderId()).value(o.placedAt().toString()).value(o.status().value())
                                    .value(o.currency()).text(o.customerId()).text(o.anonymousId())
                                    .text(o.sessionId()).value(o.country()).value(o.subtotal()).value(o.discount())
                                    .value(o.tax()).value(o.shipping()).value(o.total()).value(o.refunded())
                                    .value(o.paidAt()).value(o.shippedAt()).value(o.deliveredAt())
                                    .value(o.cancelledAt()).text(o.cancelReason()).value("import")
                                    .value(Integer.toString(o.version())).end();
                        }
                    }
                });
        copy(pg, "COPY order_lines (tenant_id, order_id, placed_at, line_no, kind, sku, name, quantity, unit_price,"
                + " discount, amount, refund_id, created_at) FROM STDIN (FORMAT csv)", out -> {
                    for (Loadable l : batch) {
                        Order o = l.order();
                        if (!created.contains(o.orderId())) {
                            continue;
                        }
                        String placedAt = o.placedAt().toString();
                        for (Order.Line line : o.lines()) {
                            String createdAt = line.refundId() == null
                                    ? placedAt
                                    : refundedAt(l, line.refundId()).toString();
                            out.value(t).text(o.orderId()).value(placedAt).value(Integer.toString(line.lineNo()))
                                    .value(line.kind()).text(line.sku()).text(line.name())
                                    .value(Integer.toString(line.quantity())).value(line.unitPrice())
                                    .value(line.discount()).value(line.amount()).text(line.refundId())
                                    .value(createdAt).end();
                        }
                    }
                });
        if (batch.stream().anyMatch(l -> !l.refunds().isEmpty())) {
            copy(pg, "COPY refunds (tenant_id, order_id, refund_id, amount, refunded_at) FROM STDIN (FORMAT csv)",
                    out -> {
                        for (Loadable l : batch) {
                            if (created.contains(l.order().orderId())) {
                                for (OrderRules.Refund r : l.refunds()) {
                                    out.value(t).text(l.order().orderId()).text(r.lines().get(0).refundId())
                                            .value(r.amount()).value(r.at()).end();
                                }
                            }
                        }
                    });
        }
        return created;
    }

    private static Instant refundedAt(Loadable l, String refundId) {
        return l.refunds().stream().filter(r -> refundId.equals(r.lines().get(0).refundId())).findFirst()
                .map(OrderRules.Refund::at).orElse(l.order().placedAt());
    }

    @FunctionalInterface
    private interface Rows {
        void write(CsvOut out) throws IOException;
    }

    private static void copy(PGConnection pg, String sql, Rows rows) throws SQLException {
        PGCopyOutputStream stream = new PGCopyOutputStream(pg, sql, 1 << 16);
        try (Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16)) {
            rows.write(new CsvOut(writer));
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException sql2) {
                throw sql2;
            }
            throw new UncheckedIOException(e);
        }
    }

    /** One COPY row at a time in CSV: null is an empty unquoted field, text is quoted with its quotes doubled. */
    private static final class CsvOut {
        private final Writer out;
        private boolean first = true;

        CsvOut(Writer out) {
            this.out = out;
        }

        /** A value that needs no quoting (ids, codes, numbers, instants). */
        CsvOut value(String v) throws IOException {
            separator();
            if (v != null) {
                out.write(v);
            }
            return this;
        }

        CsvOut value(BigDecimal v) throws IOException {
            return value(v == null ? null : v.toPlainString());
        }

        CsvOut value(Instant v) throws IOException {
            return value(v == null ? null : v.toString());
        }

        /** Free text (names, customer ids): quoted. */
        CsvOut text(String v) throws IOException {
            separator();
            if (v != null) {
                out.write('"');
                if (v.indexOf('"') < 0) {
                    out.write(v);
                } else {
                    out.write(v.replace("\"", "\"\""));
                }
                out.write('"');
            }
            return this;
        }

        void end() throws IOException {
            out.write('\n');
            first = true;
        }

        private void separator() throws IOException {
            if (!first) {
                out.write(',');
            }
            first = false;
        }
    }
}
