package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.model.OrderMessages;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class OrderLifecycleTest {

    /** The moves the orders service allows (its OrderStatus), by routing key. */
    private static final Map<String, Set<String>> NEXT = Map.of("placed", Set.of("order.paid", "order.cancelled"),
            "paid", Set.of("order.shipped", "order.cancelled", "order.refunded"),
            "shipped", Set.of("order.delivered", "order.refunded"), "delivered", Set.of("order.refunded"));

    private static OrderMessages.Placed order(int n) {
        return new OrderMessages.Placed("ord-" + n, Instant.parse("2026-03-04T18:30:00Z"), "EUR", null, "a-1", "s-1",
                "DE", List.of(new OrderMessages.Line("SKU-1000", "Trail Runner 2", 2, new BigDecimal("89.90"),
                        new BigDecimal("17.98")),
                        new OrderMessages.Line("SKU-1001", "Merino Socks", 1,
                                new BigDecimal("14.50"), new BigDecimal("0.00"))),
                new BigDecimal("30.92"), new BigDecimal("0.00"));
    }

    @Test
    void everyOrderTakesALegalPathThroughTheStateMachine() {
        OrderLifecycle lifecycle = new OrderLifecycle(1440);
        SplittableRandom random = new SplittableRandom(5);
        Set<String> ids = new HashSet<>();
        Map<String, Integer> outcomes = new HashMap<>();
        int orders = 20_000;
        for (int n = 0; n < orders; n++) {
            List<OrderLifecycle.Message> messages = lifecycle.plan(order(n), random);
            assertThat(messages.get(0).routingKey()).isEqualTo("order.placed");
            String state = "placed";
            Instant previous = messages.get(0).due();
            for (OrderLifecycle.Message m : messages.subList(1, messages.size())) {
                assertThat(NEXT.getOrDefault(state, Set.of())).as("after %s", state).contains(m.routingKey());
                assertThat(m.due()).isAfter(previous);
                previous = m.due();
                if (!m.routingKey().equals("order.refunded")) {
                    state = m.routingKey().substring("order.".length());
                } else {
                    OrderMessages.Refunded r = (OrderMessages.Refunded) m.body();
                    assertThat(r.orderId()).isEqualTo("ord-" + n);
                    assertThat(r.lines() != null || r.amount() != null).isTrue();
                    if (r.lines() != null) {
                        assertThat(r.lines()).allSatisfy(l -> assertThat(l.quantity()).isBetween(1, 2));
                    }
                }
                if (m.body() instanceof OrderMessages.Step step) {
                    assertThat(step.at()).isEqualTo(m.due());
                }
            }
            outcomes.merge(messages.get(messages.size() - 1).routingKey(), 1, Integer::sum);
            messages.forEach(m -> assertThat(ids.add(m.messageId())).as("unique message ids").isTrue());
        }
        assertThat(outcomes.get("order.cancelled") / (double) orders).isBetween(0.04, 0.09);
        assertThat(outcomes.get("order.refunded") / (double) orders).isBetween(0.06, 0.12);
        assertThat(outcomes.get("order.delivered") / (double) orders).isGreaterThan(0.8);
    }

    @Test
    void paymentTakesSecondsAndDeliveryMinutesAtADayAMinute() {
        OrderLifecycle lifecycle = new OrderLifecycle(1440);
        SplittableRandom random = new SplittableRandom(8);
        for (int n = 0; n < 500; n++) {
            List<OrderLifecycle.Message> messages = lifecycle.plan(order(n), random);
            Instant placed = messages.get(0).due();
            for (OrderLifecycle.Message m : messages) {
                Duration after = Duration.between(placed, m.due());
                switch (m.routingKey()) {
                    case "order.paid" -> assertThat(after).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(6));
                    case "order.shipped" -> assertThat(after).isBetween(Duration.ofSeconds(15), Duration.ofMinutes(3));
                    case "order.delivered" -> assertThat(after).isBetween(Duration.ofMinutes(1),
                            Duration.ofMinutes(7));
                    default -> {
                    }
                }
            }
        }
    }
}
