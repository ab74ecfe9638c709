package io.shoppulse.orders.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A new order, as the storefront sends it: its own order id, its time, one currency, and the lines sold. */
public record PlaceOrder(String orderId, Instant placedAt, String currency, String customerId, String anonymousId,
        String sessionId, String country, List<Line> lines, BigDecimal tax, BigDecimal shipping) {

    /** {@code discount} is the line's total discount, not per unit. */
    public record Line(String sku, String name, Integer quantity, BigDecimal unitPrice, BigDecimal discount) {
    }
}
