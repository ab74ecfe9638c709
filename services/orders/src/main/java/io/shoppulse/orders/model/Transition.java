package io.shoppulse.orders.model;

import java.time.Instant;

/** Payment, shipment, delivery or cancellation of an order: when it happened (default: now), and why, if cancelled. */
public record Transition(Instant at, String reason) {
}
