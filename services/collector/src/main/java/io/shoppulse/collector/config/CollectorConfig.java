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
    }
}
