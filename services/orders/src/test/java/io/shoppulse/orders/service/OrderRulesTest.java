package io.shoppulse.orders.service;

import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.orders.model.Order;
import io.shoppulse.orders.model.OrderStatus;
import io.shoppulse.orders.model.PlaceOrder;
import io.shoppulse.orders.model.RefundOrder;
import io.shoppulse.orders.model.Transition;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The state machine, the money arithmetic and command validation, without storage. */
class OrderRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Transition NO_DETAILS = new Transition(null, null);
    private final OrderRules rules = new OrderRules(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void totalsAreExactDecimals() {
        Order order = rules.newOrder(order("EUR", new PlaceOrder.Line("A", "Shoe", 3, new BigDecimal("33.33"),
                new BigDecimal("10")), new PlaceOrder.Line("B", null, 1, new BigDecimal("0.10"), null)));

        // 3 x 33.33 + 0.10 = 100.09; minus 10 discount, plus 1.19 tax and 4.90 shipping = 96.18
        assertThat(order.subtotal()).isEqualByComparingTo("100.09");
        assertThat(order.discount()).isEqualByComparingTo("10");
        assertThat(order.total()).isEqualByComparingTo("96.18");
        assertThat(order.lines()).extracting(Order.Line::amount).usingComparatorForType(BigDecimal::compareTo,
                BigDecimal.class).containsExactly(new BigDecimal("89.99"), new BigDecimal("0.10"));
    }

    @Test
    void everyTransitionOfTheStateMachine() {
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : OrderStatus.values()) {
                boolean legal = switch (from) {
                    case PLACED -> to == OrderStatus.PAID || to == OrderStatus.CANCELLED;
                    case PAID -> to == OrderStatus.SHIPPED || to == OrderStatus.CANCELLED || to == OrderStatus.REFUNDED;
                    case SHIPPED -> to == OrderStatus.DELIVERED || to == OrderStatus.REFUNDED;
                    case DELIVERED -> to == OrderStatus.REFUNDED;
                    case CANCELLED, REFUNDED -> false;
                };
                assertThat(from.canBecome(to)).as(from + " -> " + to).isEqualTo(legal);
            }
        }
        Order placed = rules.newOrder(order("EUR", line("A", 1, "10.00")));
        ProblemException illegal = catchThrowableOfType(ProblemException.class,
                () -> rules.transition(placed, OrderStatus.SHIPPED, NO_DETAILS));
        assertThat(illegal.status()).isEqualTo(409);
        assertThat(illegal.errors()).extracting(FieldError::reason).containsExactly("cannot go from placed to shipped");
    }

    @Test
    void cancellingAPaidOrderRefundsIt() {
        Order paid = rules.transition(rules.newOrder(order("EUR", line("A", 2, "5.00"))), OrderStatus.PAID,
                NO_DETAILS);

        Order cancelled = rules.transition(paid, OrderStatus.CANCELLED, new Transition(null, "out of stock"));

        assertThat(cancelled.refunded()).isEqualByComparingTo(paid.total());
        assertThat(cancelled.cancelReason()).isEqualTo("out of stock");
        assertThat(cancelled.paidAt()).isEqualTo(NOW);
    }

    @Test
    void aRefundIsPricedAtWhatWasPaidPerUnitAndCannotExceedWhatWasSold() {
        Order paid = rules.transition(rules.newOrder(order("EUR", new PlaceOrder.Line("A", null, 3,
                new BigDecimal("33.33"), new BigDecimal("10")))), OrderStatus.PAID, NO_DETAILS);

        OrderRules.Refund one = rules.refund(paid, new RefundOrder("R1", null, List.of(new RefundOrder.Line("A", 1)),
                null));
        // 89.99 paid for 3 units: one unit is 30.00 (29.9966... rounded half-even to cents)
        assertThat(one.amount()).isEqualByComparingTo("30.00");
        assertThat(one.order().status()).isEqualTo(OrderStatus.PAID);

        ProblemException tooMany = catchThrowableOfType(ProblemException.class, () -> rules.refund(paid,
                new RefundOrder("R2", null, List.of(new RefundOrder.Line("A", 4)), null)));
        assertThat(tooMany.errors()).extracting(FieldError::field).containsExactly("lines[0].quantity");
    }

    @Test
    void returnedUnitsOfASkuSoldOnSeveralLinesArePricedLineByLineInOrder() {
        // One unit at 10.00, then ten at 1.00: the same SKU on two lines (exports repeat stock codes).
        Order paid = rules.transition(rules.newOrder(order("EUR", line("A", 1, "10.00"), line("A", 10, "1.00"))),
                OrderStatus.PAID, NO_DETAILS);

        OrderRules.Refund two = rules.refund(paid, new RefundOrder("R1", null, List.of(new RefundOrder.Line("A", 2)),
                null));
        assertThat(two.amount()).isEqualByComparingTo("11.00"); // the 10.00 unit, then one of the 1.00 ones
        assertThat(two.lines()).extracting(Order.Line::quantity).containsExactly(1, 1);

        OrderRules.Refund rest = rules.refund(two.order(), new RefundOrder("R2", null,
                List.of(new RefundOrder.Line("A", 9)), null));
        assertThat(rest.amount()).isEqualByComparingTo("9.00");
        ProblemException none = catchThrowableOfType(ProblemException.class, () -> rules.refund(rest.order(),
                new RefundOrder("R3", null, List.of(new RefundOrder.Line("A", 1)), null)));
        assertThat(none.errors()).extracting(FieldError::reason)
                .containsExactly("must be between 1 and 0 (units sold and not yet refunded)");
    }

    @Test
    void aFullRefundMakesTheOrderRefunded() {
        Order paid = rules.transition(rules.newOrder(order("EUR", line("A", 2, "5.00"))), OrderStatus.PAID,
                NO_DETAILS);
        // order(): tax 1.19 + shipping 4.90 on top of 10.00
        OrderRules.Refund all = rules.refund(paid, new RefundOrder("R1", null, List.of(new RefundOrder.Line("A", 2)),
                new BigDecimal("6.09")));

        assertThat(all.order().refunded()).isEqualByComparingTo(paid.total());
        assertThat(all.order().status()).isEqualTo(OrderStatus.REFUNDED);
    }

    @Test
    void aReplayIsTheSameOrderOnlyIfEverythingSentIsTheSame() {
        Order sent = rules.newOrder(order("EUR", line("A", 2, "5.00")));
        PlaceOrder other = new PlaceOrder("O-1", NOW.minusSeconds(60), "EUR", "C-1", null, null, "AT",
                List.of(line("A", 2, "5.00")), new BigDecimal("1.19"), new BigDecimal("4.90"));

        assertThat(rules.sameOrder(sent, rules.newOrder(order("EUR", line("A", 2, "5.00"))))).isTrue();
        assertThat(rules.sameOrder(sent, rules.newOrder(other))).as("another country").isFalse();
        assertThat(rules.sameOrder(sent, rules.newOrder(order("EUR", line("A", 2, "5.01"))))).isFalse();
    }

    @Test
    void badCommandsNameEveryBrokenField() {
        PlaceOrder bad = new PlaceOrder("", NOW.plusSeconds(3600), "EURO", null, null, null, "de",
                List.of(new PlaceOrder.Line("A", null, 0, BigDecimal.ONE, null)), new BigDecimal("-1"), null);

        ProblemException e = catchThrowableOfType(ProblemException.class, () -> rules.newOrder(bad));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("order_id", "currency",
                "placed_at", "country", "tax", "lines[0].quantity");
        PlaceOrder yen = order("JPY", line("A", 1, "100.5"));
        assertThat(catchThrowableOfType(ProblemException.class, () -> rules.newOrder(yen)).errors())
                .extracting(FieldError::reason).containsExactly("has more than 0 decimals for JPY");
    }

    private static PlaceOrder order(String currency, PlaceOrder.Line... lines) {
        return new PlaceOrder("O-1", NOW.minusSeconds(60), currency, "C-1", null, null, "DE", List.of(lines),
                currency.equals("EUR") ? new BigDecimal("1.19") : null,
                currency.equals("EUR") ? new BigDecimal("4.90") : null);
    }

    private static PlaceOrder.Line line(String sku, int quantity, String price) {
        return new PlaceOrder.Line(sku, null, quantity, new BigDecimal(price), null);
    }
}
