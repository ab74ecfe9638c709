package io.shoppulse.analytics.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's shop right now: the current UTC minute by event time, the arrival rate over the last seconds, sessions
 * active in the last minutes, and the closed minutes before it, newest first. Money is exact decimals per currency.
 */
public record LiveView(UUID tenantId, Instant minute, long events, double eventsPerS, long activeSessions,
        long orders, Map<String, String> netRevenue, String source, List<LiveMinute> recent) {
}
