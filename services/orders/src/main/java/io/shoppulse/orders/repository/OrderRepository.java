package io.shoppulse.orders.repository;

import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The orders schema in plain JDBC. Every method takes the caller's connection, so a command's reads, writes and
 * outbox event share one transaction. Every statement names the tenant and, for the partitioned tables, placed_at,
 * so PostgreSQL reads one partition.
 */
@ApplicationScoped
public class OrderRepository {

    private static final String ORDER_COLUMNS = "order_id, placed_at, status, currency, customer_id, anonymous_id,"
            + " session_id, country, subtotal, discount, tax, shipping, total, refunded, paid_at, shipped_at,"
            + " delivered_at, cancelled_at, cancel_reason, version";

    /** Claims the order id; false when the tenant already has an order with this id. */
    public boolean claimKey(Connection c, UUID tenant, String orderId, Instant placedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_keys (tenant_id, order_id, placed_at)"
                + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            ps.setTimestamp(3, Timestamp.from(placedAt));
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<Instant> placedAt(Connection c, UUID tenant, String orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT placed_at FROM order_keys WHERE tenant_id = ? AND order_id = ?")) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    public void insert(Connection c, UUID tenant, Order o, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (tenant_id, " + ORDER_COLUMNS
                + ", origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, tenant);
            bindOrder(ps, 2, o);
            ps.setString(22, origin);
            ps.executeUpdate();
        }
    }

    public void insertLines(Connection c, UUID tenant, Order o, List<Order.Line> lines, Instant createdAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_lines (tenant_id, order_id, placed_at,"
                + " line_no, kind, sku, name, quantity, unit_price, discount, amount, refund_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Order.Line line : lines) {
                ps.setObject(1, tenant);
                ps.setString(2, o.orderId());
                ps.setTimestamp(3, Timestamp.from(o.placedAt()));
                ps.setInt(4, line.lineNo());
                ps.setString(5, line.kind());
                ps.setString(6, line.sku());
                ps.setString(7, line.name());
                ps.setInt(8, line.quantity());
                ps.setBigDecimal(9, line.unitPrice());
                ps.setBigDecimal(10, line.discount());
                ps.setBigDecimal(11, line.amount());
                ps.setString(12, line.refundId());
                ps.setTimestamp(13, Timestamp.from(createdAt));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The order, its row locked until the transaction ends (commands on one order run one after another). */
    public Optional<Order> find(Connection c, UUID tenant, String orderId, Instant placedAt, boolean lock)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ORDER_COLUMNS
                + " FROM orders WHERE tenant_id = ? AND order_id = ? AND placed_at = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            ps.setTimestamp(3, Timestamp.from(placedAt));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(order(rs).withLines(lines(c, tenant, orderId, placedAt)))
                        : Optional.empty();
            }
        }
    }

    private List<Order.Line> lines(Connection c, UUID tenant, String orderId, Instant placedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT line_no, kind, sku, name, quantity, unit_price,"
                + " discount, amount, refund_id FROM order_lines WHERE tenant_id = ? AND order_id = ? AND placed_at = ?"
                + " ORDER BY line_no")) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            ps.setTimestamp(3, Timestamp.from(placedAt));
            List<Order.Line> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new Order.Line(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getBigDecimal(8),
                            rs.getString(9)));
                }
            }
            return lines;
        }
    }

    /** Writes the order's new state, whose version the caller has already counted up. */
    public void update(Connection c, UUID tenant, Order o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET status = ?, refunded = ?, paid_at = ?,"
                + " shipped_at = ?, delivered_at = ?, cancelled_at = ?, cancel_reason = ?, version = ?,"
                + " updated_at = now() WHERE tenant_id = ? AND order_id = ? AND placed_at = ?")) {
            ps.setString(1, o.status().value());
            ps.setBigDecimal(2, o.refunded());
            ps.setTimestamp(3, timestamp(o.paidAt()));
            ps.setTimestamp(4, timestamp(o.shippedAt()));
            ps.setTimestamp(5, timestamp(o.deliveredAt()));
            ps.setTimestamp(6, timestamp(o.cancelledAt()));
            ps.setString(7, o.cancelReason());
            ps.setInt(8, o.version());
            ps.setObject(9, tenant);
            ps.setString(10, o.orderId());
            ps.setTimestamp(11, Timestamp.from(o.placedAt()));
            ps.executeUpdate();
        }
    }

    public boolean hasRefund(Connection c, UUID tenant, String orderId, String refundId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM refunds WHERE tenant_id = ? AND order_id = ? AND refund_id = ?")) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            ps.setString(3, refundId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public void insertRefund(Connection c, UUID tenant, String orderId, String refundId, java.math.BigDecimal amount,
            Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO refunds (tenant_id, order_id, refund_id, amount,"
                + " refunded_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, tenant);
            ps.setString(2, orderId);
            ps.setString(3, refundId);
            ps.setBigDecimal(4, amount);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /** Records that a command message was applied; false when it already was (a redelivery). */
    public boolean claimMessage(Connection c, UUID tenant, String messageId, String orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO processed_messages (tenant_id, message_id,"
                + " order_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, tenant);
            ps.setString(2, messageId);
            ps.setString(3, orderId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Orders placed in [from, to), newest first, after the keyset position (placed_at, order_id) when given. */
    public List<Order> list(Connection c, UUID tenant, Instant from, Instant to, OrderStatus status,
            Instant afterPlacedAt, String afterOrderId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + ORDER_COLUMNS
                + " FROM orders WHERE tenant_id = ? AND placed_at >= ? AND placed_at < ?");
        if (status != null) {
            sql.append(" AND status = ?");
        }
        if (afterPlacedAt != null) {
            sql.append(" AND (placed_at, order_id) < (?, ?)");
        }
        sql.append(" ORDER BY placed_at DESC, order_id DESC LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setObject(i++, tenant);
            ps.setTimestamp(i++, Timestamp.from(from));
            ps.setTimestamp(i++, Timestamp.from(to));
            if (status != null) {
                ps.setString(i++, status.value());
            }
            if (afterPlacedAt != null) {
                ps.setTimestamp(i++, Timestamp.from(afterPlacedAt));
                ps.setString(i++, afterOrderId);
            }
            ps.setInt(i, limit);
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orders.add(order(rs));
                }
            }
            return orders;
        }
    }

    private static void bindOrder(PreparedStatement ps, int at, Order o) throws SQLException {
        ps.setString(at, o.orderId());
        ps.setTimestamp(at + 1, Timestamp.from(o.placedAt()));
        ps.setString(at + 2, o.status().value());
        ps.setString(at + 3, o.currency());
        ps.setString(at + 4, o.customerId());
        ps.setString(at + 5, o.anonymousId());
        ps.setString(at + 6, o.sessionId());
        ps.setString(at + 7, o.country());
        ps.setBigDecimal(at + 8, o.subtotal());
        ps.setBigDecimal(at + 9, o.discount());
        ps.setBigDecimal(at + 10, o.tax());
        ps.setBigDecimal(at + 11, o.shipping());
        ps.setBigDecimal(at + 12, o.total());
        ps.setBigDecimal(at + 13, o.refunded());
        ps.setTimestamp(at + 14, timestamp(o.paidAt()));
        ps.setTimestamp(at + 15, timestamp(o.shippedAt()));
        ps.setTimestamp(at + 16, timestamp(o.deliveredAt()));
        ps.setTimestamp(at + 17, timestamp(o.cancelledAt()));
        ps.setString(at + 18, o.cancelReason());
        ps.setInt(at + 19, o.version());
    }

    private static Order order(ResultSet rs) throws SQLException {
        return new Order(rs.getString(1), rs.getTimestamp(2).toInstant(), OrderStatus.of(rs.getString(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getBigDecimal(9), rs.getBigDecimal(10), rs.getBigDecimal(11), rs.getBigDecimal(12),
                rs.getBigDecimal(13), rs.getBigDecimal(14), instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)),
                instant(rs.getTimestamp(17)), instant(rs.getTimestamp(18)), rs.getString(19), rs.getInt(20), List.of());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
