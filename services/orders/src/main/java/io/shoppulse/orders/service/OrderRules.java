package io.shoppulse.orders.service;

import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.RefundOrder;
import io.shoppulse.orders.model.Transition;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an order may be and become, without storage: command validation (every broken field named), money arithmetic
 * in exact decimals at the currency's own precision, the state machine, and how a refund is priced.
 */
@ApplicationScoped
public class OrderRules {

    static final int MAX_LINES = 500;
    static final int MAX_QUANTITY = 100_000;
    static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(5);
    private final Clock clock;

    public OrderRules() {
        this(Clock.systemUTC());
    }

    OrderRules(Clock clock) {
        this.clock = clock;
    }

    /** A validated new order with its totals: subtotal − discount + tax + shipping. */
    public Order newOrder(PlaceOrder c) {
        List<FieldError> errors = new ArrayList<>();
        id(c.orderId(), "order_id", errors);
        Currency currency = currency(c.currency(), errors);
        if (c.placedAt() == null) {
            errors.add(new FieldError("placed_at", "is required"));
        } else if (c.placedAt().isAfter(clock.instant().plus(MAX_CLOCK_AHEAD))) {
            errors.add(new FieldError("placed_at", "is in the future"));
        }
        if (c.country() != null && !c.country().matches("[A-Z]{2}")) {
            errors.add(new FieldError("country", "must be an ISO 3166-1 alpha-2 code such as DE"));
        }
        optionalId(c.customerId(), "customer_id", errors);
        optionalId(c.anonymousId(), "anonymous_id", errors);
        optionalId(c.sessionId(), "session_id", errors);
        BigDecimal tax = amount(c.tax(), "tax", currency, errors);
        BigDecimal shipping = amount(c.shipping(), "shipping", currency, errors);
        List<Order.Line> lines = new ArrayList<>();
        if (c.lines() == null || c.lines().isEmpty()) {
            errors.add(new FieldError("lines", "must hold at least one line"));
        } else if (c.lines().size() > MAX_LINES) {
            errors.add(new FieldError("lines", "must hold at most " + MAX_LINES + " lines"));
        } else {
            for (int i = 0; i < c.lines().size(); i++) {
                lines.add(line(c.lines().get(i), i, currency, errors));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The order is not valid.", errors);
        }
        BigDecimal subtotal = lines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal discount = lines.stream().map(Order.Line::discount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal total = subtotal.subtract(discount).add(tax).add(shipping);
        return new Order(c.orderId(), c.placedAt(), OrderStatus.PLACED, currency.getCurrencyCode(), c.customerId(),
                c.anonymousId(), c.sessionId(), c.country(), scaled(subtotal), scaled(discount), scaled(tax),
                scaled(shipping), scaled(total), scaled(BigDecimal.ZERO), null, null, null, null, null, 1, lines);
    }

    private Order.Line line(PlaceOrder.Line line, int i, Currency currency, List<FieldError> errors) {
        String at = "lines[" + i + "].";
        int before = errors.size();
        if (line == null) {
            errors.add(new FieldError("lines[" + i + "]", "must be an object"));
            return null;
        }
        id(line.sku(), at + "sku", errors);
        int quantity = line.quantity() == null ? 0 : line.quantity();
        if (line.quantity() == null) {
            errors.add(new FieldError(at + "quantity", "is required"));
        } else if (quantity < 1 || quantity > MAX_QUANTITY) {
            errors.add(new FieldError(at + "quantity", "must be between 1 and " + MAX_QUANTITY
                    + " (returns are refunds of a placed order)"));
        }
        if (line.unitPrice() == null) {
            errors.add(new FieldError(at + "unit_price", "is required"));
        }
        BigDecimal price = amount(line.unitPrice(), at + "unit_price", currency, errors);
        BigDecimal discount = amount(line.discount(), at + "discount", currency, errors);
        BigDecimal gross = price.multiply(BigDecimal.valueOf(quantity));
        if (discount.compareTo(gross) > 0) {
            errors.add(new FieldError(at + "discount", "must not exceed quantity × unit_price"));
        }
        if (errors.size() > before) {
            return null; // the order is refused; its amounts may not even fit the currency's precision
        }
        return new Order.Line(i + 1, "sale", line.sku(), line.name(), quantity, scaled(price), scaled(discount),
                scaled(gross.subtract(discount)), null);
    }

    /** Same order id, same content: a replay. Compared on everything the storefront sent. */
    public boolean sameOrder(Order stored, Order sent) {
        return content(stored).equals(content(sent));
    }

    private static List<Object> content(Order o) {
        return Arrays.asList(o.placedAt(), o.currency(), o.customerId(), o.anonymousId(), o.sessionId(), o.country(),
                o.subtotal(), o.discount(), o.tax(), o.shipping(), o.total(),
                o.lines().stream().filter(l -> "sale".equals(l.kind())).toList());
    }

    /** The order after moving to {@code target}, or 409 naming the illegal move. */
    public Order transition(Order o, OrderStatus target, Transition details) {
        if (!o.status().canBecome(target)) {
            throw new ProblemException(409, "illegal-transition", "Illegal status change",
                    "Order " + o.orderId() + " is " + o.status().value() + " and cannot become " + target.value() + ".",
                    List.of(new FieldError("status", "cannot go from " + o.status().value() + " to " + target.value())),
                    null);
        }
        Instant at = details != null && details.at() != null ? details.at() : clock.instant();
        BigDecimal refunded = o.refunded();
        Instant paidAt = o.paidAt();
        Instant shippedAt = o.shippedAt();
        Instant deliveredAt = o.deliveredAt();
        Instant cancelledAt = o.cancelledAt();
        String reason = o.cancelReason();
        switch (target) {
            case PAID -> paidAt = at;
            case SHIPPED -> shippedAt = at;
            case DELIVERED -> deliveredAt = at;
            case CANCELLED -> {
                cancelledAt = at;
                reason = details == null ? null : details.reason();
                if (o.status() == OrderStatus.PAID) {
                    refunded = o.total(); // cancelling a paid order gives the money back
                }
            }
            case REFUNDED -> refunded = o.total();
            default -> throw new IllegalArgumentException("not a target: " + target);
        }
        return new Order(o.orderId(), o.placedAt(), target, o.currency(), o.customerId(), o.anonymousId(),
                o.sessionId(), o.country(), o.subtotal(), o.discount(), o.tax(), o.shipping(), o.total(), refunded,
                paidAt, shippedAt, deliveredAt, cancelledAt, reason, o.version() + 1, o.lines());
    }

    /** A priced refund: its lines (negative amounts), its total, and the order afterwards. */
    public record Refund(List<Order.Line> lines, BigDecimal amount, Instant at, Order order) {
    }

    public Refund refund(Order o, RefundOrder c) {
        if (!o.status().isRefundable()) {
            throw new ProblemException(409, "not-refundable", "Order not refundable",
                    "Order " + o.orderId() + " is " + o.status().value() + ": only paid orders can be refunded.",
                    List.of(new FieldError("status", "is " + o.status().value())), null);
        }
        List<FieldError> errors = new ArrayList<>();
        id(c.refundId(), "refund_id", errors);
        Currency currency = Currency.getInstance(o.currency());
        BigDecimal extra = amount(c.amount(), "amount", currency, errors);
        boolean hasLines = c.lines() != null && !c.lines().isEmpty();
        if (!hasLines && extra.signum() == 0) {
            errors.add(new FieldError("lines", "a refund needs returned lines or an amount"));
        }
        // Units still returnable per sale line: earlier refunds of a SKU used up its sale lines first come, first
        // served, and so does this one. Each unit is refunded at what was paid for it on its own line.
        Map<String, Integer> refundedUnits = new HashMap<>();
        for (Order.Line line : o.lines()) {
            if ("refund".equals(line.kind())) {
                refundedUnits.merge(line.sku(), line.quantity(), Integer::sum);
            }
        }
        Map<String, List<int[]>> open = new HashMap<>(); // sku -> [index into o.lines(), units left]
        for (int i = 0; i < o.lines().size(); i++) {
            Order.Line line = o.lines().get(i);
            if (!"sale".equals(line.kind())) {
                continue;
            }
            int used = Math.min(line.quantity(), refundedUnits.getOrDefault(line.sku(), 0));
            refundedUnits.merge(line.sku(), -used, Integer::sum);
            open.computeIfAbsent(line.sku(), k -> new ArrayList<>()).add(new int[]{i, line.quantity() - used});
        }
        List<Order.Line> lines = new ArrayList<>();
        int lineNo = o.lines().stream().mapToInt(Order.Line::lineNo).max().orElse(0);
        BigDecimal total = extra;
        Instant at = c.refundedAt() != null ? c.refundedAt() : clock.instant();
        if (hasLines) {
            for (int i = 0; i < c.lines().size(); i++) {
                RefundOrder.Line line = c.lines().get(i);
                List<int[]> sales = line == null ? null : open.get(line.sku());
                int left = sales == null ? 0 : sales.stream().mapToInt(x -> x[1]).sum();
                if (sales == null) {
                    errors.add(new FieldError("lines[" + i + "].sku", "was not sold in this order"));
                } else if (line.quantity() == null || line.quantity() < 1 || line.quantity() > left) {
                    errors.add(new FieldError("lines[" + i + "].quantity", "must be between 1 and " + left
                            + " (units sold and not yet refunded)"));
                } else {
                    int wanted = line.quantity();
                    for (int[] sale : sales) {
                        int take = Math.min(wanted, sale[1]);
                        if (take == 0) {
                            continue;
                        }
                        sale[1] -= take;
                        wanted -= take;
                        Order.Line sold = o.lines().get(sale[0]);
                        // The price paid per unit, discount included, at the currency's precision.
                        BigDecimal value = sold.amount().multiply(BigDecimal.valueOf(take)).divide(
                                BigDecimal.valueOf(sold.quantity()), currency.getDefaultFractionDigits(),
                                RoundingMode.HALF_EVEN);
                        total = total.add(value);
                        lines.add(new Order.Line(++lineNo, "refund", sold.sku(), sold.name(), take, sold.unitPrice(),
                                BigDecimal.ZERO.setScale(4), scaled(value.negate()), c.refundId()));
                        if (wanted == 0) {
                            break;
                        }
                    }
                }
            }
        }
        if (errors.isEmpty() && o.refunded().add(total).compareTo(o.total()) > 0) {
            errors.add(new FieldError("amount", "the refunds would exceed the order total of " + o.total()));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The refund is not valid.", errors);
        }
        BigDecimal refunded = o.refunded().add(total);
        OrderStatus status = refunded.compareTo(o.total()) == 0 ? OrderStatus.REFUNDED : o.status();
        Order after = new Order(o.orderId(), o.placedAt(), status, o.currency(), o.customerId(), o.anonymousId(),
                o.sessionId(), o.country(), o.subtotal(), o.discount(), o.tax(), o.shipping(), o.total(),
                scaled(refunded), o.paidAt(), o.shippedAt(), o.deliveredAt(), o.cancelledAt(), o.cancelReason(),
                o.version() + 1, Stream.concat(o.lines().stream(), lines.stream()).toList());
        return new Refund(lines, scaled(total), at, after);
    }

    private static Currency currency(String code, List<FieldError> errors) {
        if (code != null && code.matches("[A-Z]{3}")) {
            try {
                return Currency.getInstance(code);
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        errors.add(new FieldError("currency", "must be an ISO 4217 code such as EUR"));
        return Currency.getInstance("XXX");
    }

    /** A non-negative amount with no more decimals than the currency has (0 for JPY, 2 for EUR). */
    private static BigDecimal amount(BigDecimal value, String field, Currency currency, List<FieldError> errors) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        int digits = Math.max(currency.getDefaultFractionDigits(), 0);
        if (value.signum() < 0) {
            errors.add(new FieldError(field, "must not be negative"));
        } else if (value.stripTrailingZeros().scale() > digits) {
            errors.add(
                    new FieldError(field, "has more than " + digits + " decimals for " + currency.getCurrencyCode()));
        } else if (value.compareTo(new BigDecimal("1000000000000")) > 0) {
            errors.add(new FieldError(field, "is too large"));
        }
        return value;
    }

    private static void id(String value, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else {
            optionalId(value, field, errors);
        }
    }

    private static void optionalId(String value, String field, List<FieldError> errors) {
        if (value != null && (value.length() > 128 || value.isBlank())) {
            errors.add(new FieldError(field, "must be 1 to 128 characters"));
        }
    }

    private static BigDecimal scaled(BigDecimal value) {
        return value.setScale(4, RoundingMode.UNNECESSARY);
    }
}
