package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.model.OrderMessages;
import io.shoppulse.simulator.shop.Shop;
import io.shoppulse.simulator.shop.Visitor;

import java.time.Instant;
import java.util.List;

/**
 * A whole visit, decided up front: the pages in order, each with the events it sends and the moment it happens, and
 * the order it places, if any. Planning is pure (a seeded generator in, a plan out), so it is tested without a
 * network; the engine only plays it back on the clock.
 */
public record SessionPlan(Shop shop, Visitor visitor, String sessionId, List<Step> steps) {

    /** One page (or one action on it): its events are sent together, as the tracker batches them. */
    public record Step(Instant at, List<Event> events, OrderMessages.Placed order) {
    }

    public boolean purchased() {
        return steps.stream().anyMatch(s -> s.order() != null);
    }

    public boolean has(String type) {
        return steps.stream().flatMap(s -> s.events().stream()).anyMatch(e -> e.type().equals(type));
    }

    public List<Event> events() {
        return steps.stream().flatMap(s -> s.events().stream()).toList();
    }
}
