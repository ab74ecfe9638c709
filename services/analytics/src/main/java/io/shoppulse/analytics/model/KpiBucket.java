package io.shoppulse.analytics.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * The KPIs of one bucket. Ratios are null when their denominator is 0. {@code users}, {@code new_users} and
 * {@code sales} are not sliced by channel or device, so they are null when the request filters by either.
 */
public record KpiBucket(Instant bucket, long sessions, long newSessions, Long users, Long newUsers, long pageViews,
        long productViews, long addToCarts, long checkouts, long purchases, BigDecimal conversionRate,
        BigDecimal cartAbandonmentRate, BigDecimal bounceRate, BigDecimal avgSessionSeconds,
        Map<String, Sales> sales) {
}
