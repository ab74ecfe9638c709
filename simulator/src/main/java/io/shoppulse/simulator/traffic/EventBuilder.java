package io.shoppulse.simulator.traffic;

import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.model.Item;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Fills an {@link Event}'s envelope once and its type's fields by name; {@code currency} goes with a value. */
final class EventBuilder {

    private final String eventId;
    private final String type;
    private final Instant timestamp;
    private final String anonymousId;
    private final String sessionId;
    private final String userId;
    private final Event.Utm utm;
    private final Event.Consent consent;
    private final String shopCurrency;
    private Event.Page page;
    private List<Item> items;
    private BigDecimal value;
    private String transactionId;
    private String itemListId;
    private String itemListName;
    private String searchTerm;
    private String coupon;
    private String shippingTier;
    private String paymentType;
    private BigDecimal tax;
    private BigDecimal shipping;
    private String method;

    EventBuilder(String eventId, String type, Instant timestamp, String anonymousId, String sessionId, String userId,
            Event.Utm utm, Event.Consent consent, String shopCurrency) {
        this.eventId = eventId;
        this.type = type;
        this.timestamp = timestamp;
        this.anonymousId = anonymousId;
        this.sessionId = sessionId;
        this.userId = userId;
        this.utm = utm;
        this.consent = consent;
        this.shopCurrency = shopCurrency;
    }

    EventBuilder page(Event.Page page) {
        this.page = page;
        return this;
    }

    EventBuilder items(List<Item> items) {
        this.items = List.copyOf(items);
        return this;
    }

    EventBuilder value(BigDecimal value) {
        this.value = value;
        return this;
    }

    EventBuilder transactionId(String id) {
        this.transactionId = id;
        return this;
    }

    EventBuilder list(String id, String name) {
        this.itemListId = id;
        this.itemListName = name;
        return this;
    }

    EventBuilder searchTerm(String term) {
        this.searchTerm = term;
        return this;
    }

    EventBuilder coupon(String code) {
        this.coupon = code;
        return this;
    }

    EventBuilder shippingTier(String tier) {
        this.shippingTier = tier;
        return this;
    }

    EventBuilder paymentType(String type) {
        this.paymentType = type;
        return this;
    }

    EventBuilder tax(BigDecimal amount) {
        this.tax = amount;
        return this;
    }

    EventBuilder shipping(BigDecimal amount) {
        this.shipping = amount;
        return this;
    }

    EventBuilder method(String method) {
        this.method = method;
        return this;
    }

    Event build() {
        return new Event(eventId, type, timestamp, null, anonymousId, sessionId, userId, page, utm, consent, items,
                value, value == null ? null : shopCurrency, transactionId, itemListId, itemListName, searchTerm,
                coupon, shippingTier, paymentType, tax, shipping, method);
    }
}
