package io.shoppulse.simulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A tracker event as the contract (docs/events.md, v1) defines it: the envelope plus the fields of its type. Fields
 * that do not apply are null and left out of the JSON. {@code sentAt} is set when the batch leaves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(String eventId, String type, Instant timestamp, Instant sentAt, String anonymousId,
        String sessionId, String userId, Page page, Utm utm, Consent consent, List<Item> items, BigDecimal value,
        String currency, String transactionId, String itemListId, String itemListName, String searchTerm,
        String coupon, String shippingTier, String paymentType, BigDecimal tax, BigDecimal shipping, String method) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(String url, String path, String referrer, String title) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Utm(String source, String medium, String campaign, String term, String content) {
    }

    public record Consent(boolean analytics, boolean marketing) {
    }

    public Event sent(Instant at) {
        return new Event(eventId, type, timestamp, at, anonymousId, sessionId, userId, page, utm, consent, items, value,
                currency, transactionId, itemListId, itemListName, searchTerm, coupon, shippingTier, paymentType, tax,
                shipping, method);
    }
}
