package io.shoppulse.orders.messaging;

import java.time.Instant;

/** The body of order.paid, order.shipped, order.delivered and order.cancelled: which order, when, and why. */
public record StepMessage(String orderId, Instant at, String reason) {
}
