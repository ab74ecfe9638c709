package io.shoppulse.analytics.model;

/**
 * Sales of one currency in one bucket. Money is an exact decimal string; {@code net_revenue} is gross minus refunded
 * minus cancelled, {@code aov} gross over orders (4 decimals, half-even; null without orders).
 */
public record Sales(long orders, long units, String grossRevenue, String refundedAmount, String cancelledAmount,
        String netRevenue, String aov) {
}
