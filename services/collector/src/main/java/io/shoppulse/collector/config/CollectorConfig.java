package io.shoppulse.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

@ConfigMapping(prefix = "shoppulse.collector")
public interface CollectorConfig {

    Topics topics();

    /** Most events one request may carry. */
    @WithDefault("500")
    int maxBatchEvents();

    /** Largest request body accepted, in bytes. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** How long a request waits for Kafka to acknowledge its events before answering 503. */
    @WithDefault("10s")
    Duration kafkaAckTimeout();

    RateLimit rateLimit();

    /** Future client timestamps beyond this are replaced by the receive time. */
    @WithDefault("5m")
    Duration maxClockAhead();

    /** Kafka producer settings on top of the durable defaults (acks=all, idempotence), e.g. linger.ms. */
    Map<String, String> producer();

    Archive archive();

    interface RateLimit {

        /** Sustained requests per second per write key and replica. */
        @WithDefault("10000")
        long requestsPerSecond();

        @WithDefault("20000")
        long burst();
    }

    interface Topics {

        @WithDefault("shop.events.v1")
        String events();

        @WithDefault("shop.events.dlq.v1")
        String deadLetter();

        /** Live events the archive could not store (unparsable, a required field missing, refused by PostgreSQL). */
        @WithDefault("shop.events.archive.dlq.v1")
        String archiveDeadLetter();
    }

    /** The archive: every live event of the events topic stored in the raw event store collector.events. */
    interface Archive {

        /** Whether this replica archives; replicas share the work through the consumer group. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("collector-archive")
        String groupId();

        /** Most records stored in one transaction (the consumer's max.poll.records). */
        @WithDefault("500")
        int batchSize();

        /** The first wait after a failed batch (database or Kafka down); doubled up to max-retry-backoff. */
        @WithDefault("1s")
        Duration retryBackoff();

        @WithDefault("30s")
        Duration maxRetryBackoff();

        /**
         * An event whose id the tenant already has with an occurred_at at most this far away is a duplicate. A client
         * that resends a batch (after a 503) gets a new receive time and so a slightly different skew-corrected
         * occurred_at, which the primary key (tenant, event id, occurred_at) alone would not catch.
         */
        @WithDefault("24h")
        Duration duplicateWindow();

        /** Kafka consumer settings on top of the archive's own (group, offsets committed by the archive). */
        Map<String, String> consumer();
    }
}
