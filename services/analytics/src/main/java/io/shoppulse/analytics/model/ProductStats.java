package io.shoppulse.analytics.model;

import java.math.BigDecimal;
import java.util.Map;

/** A product over a range of hours: behaviour from events, sales per currency from orders. */
public record ProductStats(String itemId, String name, String brand, String category, long views, long addToCarts,
        long purchases, BigDecimal viewToCartRate, BigDecimal cartToPurchaseRate, Map<String, ProductSales> sales) {

    /**
     * Sales of one currency; money as exact decimal strings, net = revenue - refunded_amount - cancelled_amount (what
     * cancelled orders took back beyond their refunds).
     */
    public record ProductSales(long units, String revenue, long refundedUnits, String refundedAmount,
            long cancelledUnits, String cancelledAmount, String netRevenue) {
    }
}
