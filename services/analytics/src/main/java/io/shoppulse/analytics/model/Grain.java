package io.shoppulse.analytics.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The rollup grains: each has its own tables ({@code traffic_minute}, {@code sales_hour}, ...), buckets in UTC. */
public enum Grain {
    MINUTE(ChronoUnit.MINUTES), HOUR(ChronoUnit.HOURS), DAY(ChronoUnit.DAYS);

    private final ChronoUnit unit;

    Grain(ChronoUnit unit) {
        this.unit = unit;
    }

    public String suffix() {
        return name().toLowerCase();
    }

    /** The first bucket that starts at or after {@code t}. */
    public Instant firstBucketFrom(Instant t) {
        Instant start = t.truncatedTo(unit);
        return start.equals(t) ? start : start.plus(1, unit);
    }

    public Instant next(Instant bucket) {
        return bucket.plus(1, unit);
    }
}
