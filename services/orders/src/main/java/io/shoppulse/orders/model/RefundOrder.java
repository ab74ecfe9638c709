package io.shoppulse.orders.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Money given back, identified by the storefront's refund id: returned units of sold lines (refunded at the price
 * paid for them, discounts included) and/or a plain amount (shipping, a goodwill gesture).
 */
public record RefundOrder(String refundId, Instant refundedAt, List<Line> lines, BigDecimal amount) {

    public record Line(String sku, Integer quantity) {
    }
}
