package io.shoppulse.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The analytics service's settings: the live lane and the limits of the read API. */
@ConfigMapping(prefix = "shoppulse.analytics")
public interface AnalyticsConfig {

    Live live();

    Query query();

    interface Live {

        /** Consumer group of the live lane; each replica needs its own to see every partition. */
        @WithDefault("analytics-live")
        String groupId();

        @WithDefault("shop.events.v1")
        String eventsTopic();

        @WithDefault("shop.orders.v1")
        String ordersTopic();

        /** Where records the lane cannot read go, with the reason. */
        @WithDefault("shop.analytics.live.dlq.v1")
        String deadLetterTopic();

        /** The most records the lane takes in one exchange (camel-kafka's batching consumer). */
        @WithDefault("1000")
        int batchMax();

        /**
         * How long records wait for their batch to fill before it goes anyway: what batching adds to the lane's
         * latency at most (plus one poll).
         */
        @WithDefault("50ms")
        Duration batchWait();

        /**
         * How late a record may arrive and still count: one whose time is before the start of the minute of
         * {@code now - grace} is ignored (Spark's rollups count it), as is one more than {@code grace} ahead.
         */
        @WithDefault("10s")
        Duration grace();

        /** Event ids remembered for deduplication (the oldest are forgotten first). */
        @WithDefault("200000")
        int dedupCapacity();

        /** A session is active while its last event is at most this old. */
        @WithDefault("5m")
        Duration activeSessionWindow();

        /** Events per second are averaged over this much arrival time. */
        @WithDefault("10s")
        Duration rateWindow();

        /** Closed minutes kept in memory (and listed as {@code recent}). */
        @WithDefault("60")
        int recentMinutes();

        /**
         * A closed minute is served from Spark's rows once they reach the live counts, or once the minute has been
         * closed this long (Spark is done with it by then); differences are compared and reported at that point.
         */
        @WithDefault("2m")
        Duration handOverAfter();

        /** How often closed minutes are compared with Spark's rows. */
        @WithDefault("10s")
        Duration reconcileEvery();

        /** How often {@code /v1/live/stream} pushes the live view. */
        @WithDefault("500ms")
        Duration streamInterval();
    }

    interface Query {

        /** Longest range of one request, per grain. */
        @WithDefault("P1D")
        Duration maxMinuteRange();

        @WithDefault("P93D")
        Duration maxHourRange();

        @WithDefault("P3660D")
        Duration maxDayRange();

        @WithDefault("20")
        int defaultLimit();

        @WithDefault("200")
        int maxLimit();
    }
}
