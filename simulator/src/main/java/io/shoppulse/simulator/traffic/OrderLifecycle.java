package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.model.Ids;
import io.shoppulse.simulator.model.Money;
import io.shoppulse.simulator.model.OrderMessages;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What happens to an order after it is placed, as messages to send and when: paid within seconds (or cancelled when
 * the payment fails), shipped within two days, delivered within four more, and now and then cancelled by the shopper
 * before shipping, partly returned, or given a goodwill refund. Days pass {@code timeScale} times faster than real
 * time; each message's {@code at} is the moment it is due, so it is "now" when it is sent.
 */
public final class OrderLifecycle {

    /** One message: its routing key on shop.commerce, its unique id (the consumer's idempotency key), its body. */
    public record Message(Instant due, String routingKey, String messageId, Object body) {
    }

    private static final Duration HOUR = Duration.ofHours(1);

    private final double timeScale;

    public OrderLifecycle(double timeScale) {
        this.timeScale = timeScale;
    }

    /** order.placed and the steps that follow it, in order. */
    public List<Message> plan(OrderMessages.Placed order, RandomGenerator random) {
        List<Message> messages = new ArrayList<>();
        Instant t = order.placedAt();
        messages.add(new Message(t, "order.placed", Ids.uuid(random), order));
        if (random.nextDouble() < 0.04) {
            t = t.plusMillis(2000 + random.nextInt(6000)); // real seconds: the payment provider answers
            messages.add(step(t, "order.cancelled", order, "payment_failed", random));
            return messages;
        }
        t = t.plusMillis(1000 + random.nextInt(5000));
        messages.add(step(t, "order.paid", order, null, random));
        if (random.nextDouble() < 0.025) {
            t = t.plus(simulated(1, 8, random));
            messages.add(step(t, "order.cancelled", order, "customer_request", random));
            return messages;
        }
        t = t.plus(simulated(6, 48, random));
        messages.add(step(t, "order.shipped", order, null, random));
        t = t.plus(simulated(24, 96, random));
        messages.add(step(t, "order.delivered", order, null, random));
        double u = random.nextDouble();
        if (u < 0.08) {
            // A return: some units of one line.
            OrderMessages.Line line = order.lines().get(random.nextInt(order.lines().size()));
            int quantity = 1 + random.nextInt(line.quantity());
            t = t.plus(simulated(48, 14 * 24, random));
            messages.add(refund(t, order, List.of(new OrderMessages.RefundLine(line.sku(), quantity)), null, random));
        } else if (u < 0.095) {
            // Goodwill: the shipping back, or 10 % of the order when shipping was free.
            BigDecimal amount = order.shipping().signum() > 0
                    ? order.shipping()
                    : Money.percentOf(order.total(), 10, order.currency());
            if (amount.signum() > 0) {
                t = t.plus(simulated(12, 72, random));
                messages.add(refund(t, order, null, amount, random));
            }
        }
        return messages;
    }

    private Message step(Instant due, String key, OrderMessages.Placed order, String reason,
            RandomGenerator random) {
        return new Message(due, key, Ids.uuid(random), new OrderMessages.Step(order.orderId(), due, reason));
    }

    private Message refund(Instant due, OrderMessages.Placed order, List<OrderMessages.RefundLine> lines,
            BigDecimal amount, RandomGenerator random) {
        String refundId = "ref-" + Ids.uuid(random);
        return new Message(due, "order.refunded", Ids.uuid(random),
                new OrderMessages.Refunded(order.orderId(), refundId, due, lines, amount));
    }

    /** A real duration for between {@code minHours} and {@code maxHours} of shop time. */
    private Duration simulated(int minHours, int maxHours, RandomGenerator random) {
        double hours = minHours + random.nextDouble() * (maxHours - minHours);
        return Duration.ofMillis(Math.max(1, (long) (hours * HOUR.toMillis() / timeScale)));
    }
}
