package io.shoppulse.orders.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order as stored: totals are derived from its lines; {@code refunded} is the sum of its refunds. */
public record Order(String orderId, Instant placedAt, OrderStatus status, String currency, String customerId,
        String anonymousId, String sessionId, String country, BigDecimal subtotal, BigDecimal discount,
        BigDecimal tax, BigDecimal shipping, BigDecimal total, BigDecimal refunded, Instant paidAt, Instant shippedAt,
        Instant deliveredAt, Instant cancelledAt, String cancelReason, int version, List<Line> lines) {

    /** A sale line (quantity sold, amount after discount) or a refund line (quantity returned, negative amount). */
    public record Line(int lineNo, String kind, String sku, String name, int quantity, BigDecimal unitPrice,
            BigDecimal discount, BigDecimal amount, String refundId) {
    }

    public Order withLines(List<Line> all) {
        return new Order(orderId, placedAt, status, currency, customerId, anonymousId, sessionId, country, subtotal,
                discount, tax, shipping, total, refunded, paidAt, shippedAt, deliveredAt, cancelledAt, cancelReason,
                version, all);
    }
}
