package io.shoppulse.analytics.live;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * What one Kafka record adds to its tenant's live counters: an event (counted at {@code at}, its session active) or
 * an order change (an order placed, and an amount of net revenue in a currency, positive or negative, at {@code at}).
 * {@code occurredAt} is the record's own time, for the lane's lag; {@code counts} is false for records that change
 * no live figure (an order paid or shipped).
 */
public record LiveRecord(String eventId, UUID tenant, Instant occurredAt, Instant at, boolean event,
        String sessionId, long orders, String currency, BigDecimal revenue, boolean counts) {

    static LiveRecord event(String eventId, UUID tenant, Instant occurredAt, String sessionId) {
        return new LiveRecord(eventId, tenant, occurredAt, occurredAt, true, sessionId, 0, null, null, true);
    }

    static LiveRecord order(String eventId, UUID tenant, Instant occurredAt, Instant at, long orders,
            String currency, BigDecimal revenue) {
        return new LiveRecord(eventId, tenant, occurredAt, at, false, null, orders, currency, revenue, true);
    }

    static LiveRecord ignored(String eventId, UUID tenant, Instant occurredAt) {
        return new LiveRecord(eventId, tenant, occurredAt, occurredAt, false, null, 0, null, null, false);
    }
}
