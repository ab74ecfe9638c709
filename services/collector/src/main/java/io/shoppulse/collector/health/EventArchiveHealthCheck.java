package io.shoppulse.collector.health;

import io.shoppulse.collector.service.EventArchive;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The archive of live events into collector.events. Down only when its consumer has stopped for good (it retries
 * every failure it can): then this replica no longer archives its share of the topic and needs a restart. While
 * PostgreSQL or Kafka is away the archive waits and retries, and says so here; the database's and Kafka's own checks
 * are the ones that go down then.
 */
@Readiness
@ApplicationScoped
public class EventArchiveHealthCheck implements HealthCheck {

    private final EventArchive archive;

    public EventArchiveHealthCheck(EventArchive archive) {
        this.archive = archive;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("collector-archive")
                .withData("enabled", archive.enabled());
        if (!archive.enabled()) {
            return response.up().build();
        }
        response.withData("consecutive_failures", archive.consecutiveFailures());
        String error = archive.lastError();
        if (error != null) {
            response.withData("last_error", error);
        }
        return response.status(archive.running()).build();
    }
}
