package io.shoppulse.simulator.traffic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's counters, and the check that events and orders agree: every purchase event the collector accepted
 * should meet exactly one confirmed order.placed with its id, and the other way round.
 */
public final class Stats {

    private static final int EVENT_ACCEPTED = 1;
    private static final int ORDER_CONFIRMED = 2;

    public final LongAdder sessionsStarted = new LongAdder();
    public final LongAdder sessionsSkipped = new LongAdder();
    public final AtomicInteger sessionsActive = new AtomicInteger();
    public final LongAdder posts = new LongAdder();
    public final LongAdder postRetries = new LongAdder();
    public final LongAdder eventsSent = new LongAdder();
    public final LongAdder eventsAccepted = new LongAdder();
    public final LongAdder eventsRejected = new LongAdder();
    public final LongAdder eventsDropped = new LongAdder();
    public final LongAdder ordersPublished = new LongAdder();
    public final LongAdder ordersConfirmed = new LongAdder();
    public final LongAdder stepsPublished = new LongAdder();
    public final LongAdder stepsConfirmed = new LongAdder();
    public final LongAdder messagesNacked = new LongAdder();
    public final LongAdder messagesUnroutable = new LongAdder();
    public final LongAdder messagesDropped = new LongAdder();
    public final LongAdder purchaseEventsAccepted = new LongAdder();
    public final LongAdder purchasesMatched = new LongAdder();
    public final LongAdder purchasesDuplicated = new LongAdder();
    private final Map<String, Integer> unmatched = new ConcurrentHashMap<>();

    public void purchaseAccepted(String orderId) {
        purchaseEventsAccepted.increment();
        meet(orderId, EVENT_ACCEPTED);
    }

    public void orderConfirmed(String orderId) {
        ordersConfirmed.increment();
        meet(orderId, ORDER_CONFIRMED);
    }

    private void meet(String orderId, int side) {
        unmatched.compute(orderId, (id, seen) -> {
            int before = seen == null ? 0 : seen;
            if ((before & side) != 0) {
                purchasesDuplicated.increment(); // the same side twice: a bug, shown in the summary
                return before;
            }
            if ((before | side) == (EVENT_ACCEPTED | ORDER_CONFIRMED)) {
                purchasesMatched.increment();
                return null; // matched: nothing left to remember
            }
            return before | side;
        });
    }

    /** Purchase events accepted whose order.placed is not confirmed (yet), and the other way round. */
    public long[] waiting() {
        long eventOnly = 0;
        long orderOnly = 0;
        for (int seen : unmatched.values()) {
            if (seen == EVENT_ACCEPTED) {
                eventOnly++;
            } else if (seen == ORDER_CONFIRMED) {
                orderOnly++;
            }
        }
        return new long[]{eventOnly, orderOnly};
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sessions_started", sessionsStarted.sum());
        s.put("sessions_active", sessionsActive.get());
        s.put("sessions_skipped", sessionsSkipped.sum());
        s.put("posts", posts.sum());
        s.put("post_retries", postRetries.sum());
        s.put("events_sent", eventsSent.sum());
        s.put("events_accepted", eventsAccepted.sum());
        s.put("events_rejected", eventsRejected.sum());
        s.put("events_dropped", eventsDropped.sum());
        s.put("orders_published", ordersPublished.sum());
        s.put("orders_confirmed", ordersConfirmed.sum());
        s.put("steps_published", stepsPublished.sum());
        s.put("steps_confirmed", stepsConfirmed.sum());
        s.put("messages_nacked", messagesNacked.sum());
        s.put("messages_unroutable", messagesUnroutable.sum());
        s.put("messages_dropped", messagesDropped.sum());
        long[] waiting = waiting();
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("purchase_events_accepted", purchaseEventsAccepted.sum());
        check.put("orders_placed_confirmed", ordersConfirmed.sum());
        check.put("matched", purchasesMatched.sum());
        check.put("event_without_order", waiting[0]);
        check.put("order_without_event", waiting[1]);
        check.put("duplicates", purchasesDuplicated.sum());
        s.put("purchases_vs_orders", check);
        return s;
    }
}
