package io.shoppulse.analytics.model;

import java.time.Instant;
import java.util.List;

/** Every bucket of [from, to) at the grain, oldest first, including those with nothing in them. */
public record KpiReport(Instant from, Instant to, String grain, String channel, String device,
        List<KpiBucket> buckets) {
}
