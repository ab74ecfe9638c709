package io.shoppulse.simulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The bodies of the messages on the shop.commerce exchange (snake_case JSON, money at the currency's decimals). */
public final class OrderMessages {

    private OrderMessages() {
    }

    /** order.placed. {@code discount} of a line is the line's total discount, not per unit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Placed(String orderId, Instant placedAt, String currency, String customerId, String anonymousId,
            String sessionId, String country, List<Line> lines, BigDecimal tax, BigDecimal shipping) {

        /** What the shop charged: Σ(unit price × quantity) − Σ discount + tax + shipping. */
        public BigDecimal total() {
            BigDecimal sum = tax.add(shipping);
            for (Line line : lines) {
                sum = sum.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity()))).subtract(line.discount());
            }
            return sum;
        }
    }

    public record Line(String sku, String name, int quantity, BigDecimal unitPrice, BigDecimal discount) {
    }

    /** order.paid, order.shipped, order.delivered, order.cancelled. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String orderId, Instant at, String reason) {
    }

    /** order.refunded: returned units of sold lines, and/or a plain amount. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Refunded(String orderId, String refundId, Instant refundedAt, List<RefundLine> lines,
            BigDecimal amount) {
    }

    public record RefundLine(String sku, int quantity) {
    }
}
