package io.shoppulse.orders.messaging;

import io.shoppulse.orders.model.RefundOrder;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The body of order.refunded: the refund as the REST API takes it, and the order it belongs to. */
public record RefundMessage(String orderId, String refundId, Instant refundedAt, List<RefundOrder.Line> lines,
        BigDecimal amount) {

    RefundOrder command() {
        return new RefundOrder(refundId, refundedAt, lines, amount);
    }
}
