package io.shoppulse.collector.service;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per second per write key, per collector replica (a token bucket with a burst). It protects the platform
 * from one runaway source; it is not a commercial quota.
 */
@ApplicationScoped
public class RateLimits {

    private final CollectorConfig.RateLimit config;
    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimits(CollectorConfig config) {
        this.config = config.rateLimit();
    }

    public void acquire(UUID sourceId) {
        Bucket bucket = buckets.computeIfAbsent(sourceId, id -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(config.burst())
                        .refillGreedy(config.requestsPerSecond(), Duration.ofSeconds(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
            throw ProblemException.tooManyRequests("This write key sends more than " + config.requestsPerSecond()
                    + " requests per second; retry after the given time.", wait.plusMillis(999));
        }
    }
}
