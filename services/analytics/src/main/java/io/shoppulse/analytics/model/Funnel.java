package io.shoppulse.analytics.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Sessions through view_item, add_to_cart, begin_checkout and purchase over [from, to), by the hour of their start. */
public record Funnel(Instant from, Instant to, List<Step> steps) {

    /** Sessions that reached the step; the rates from the step before and from all sessions (null over 0). */
    public record Step(String step, long sessions, BigDecimal rateFromPrevious, BigDecimal rateFromStart) {
    }
}
