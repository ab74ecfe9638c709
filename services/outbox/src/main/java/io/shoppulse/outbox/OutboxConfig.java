package io.shoppulse.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The service's outbox relay. The outbox table (and its lease table) live in the service's own schema; see
 * docs/data-conventions.md for their columns.
 */
@ConfigMapping(prefix = "shoppulse.outbox")
public interface OutboxConfig {

    /** The Kafka topic the events go to; a service without one has no relay. */
    Optional<String> topic();

    /** Off on replicas that must never relay (the lease already keeps a second relay idle). */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("outbox")
    String table();

    @WithDefault("outbox_lease")
    String leaseTable();

    /**
     * How long a relay keeps the lease without renewing it; another replica takes over after that. It must exceed
     * twice the send timeout plus the poll interval (checked at start), so a slow round never outlives its lease.
     */
    @WithDefault("30s")
    Duration leaseTtl();

    /** Most events read and sent per round: with the poll interval, the most the relay sends per second. */
    @WithDefault("1000")
    int batchSize();

    /** Time between rounds: the longest an event waits in the outbox before it is read. */
    @WithDefault("100ms")
    Duration pollInterval();

    /** How long a round waits for Kafka to acknowledge its events before giving up (they are sent again). */
    @WithDefault("10s")
    Duration sendTimeout();

    /** Kafka producer settings on top of the durable defaults (acks=all, idempotence), e.g. linger.ms. */
    Map<String, String> producer();
}
