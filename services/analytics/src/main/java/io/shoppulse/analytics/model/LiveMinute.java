package io.shoppulse.analytics.model;

import java.time.Instant;
import java.util.Map;

/** A closed minute of the live view: from the live counters, or from Spark's rows once they exist. */
public record LiveMinute(Instant minute, long events, long orders, Map<String, String> netRevenue, String source) {

    public static final String LIVE = "live";
    public static final String SPARK = "spark";
}
