package io.shoppulse.analytics.live;

import io.shoppulse.analytics.config.AnalyticsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;

/**
 * The live lane's routes: every record of shop.events.v1 and shop.orders.v1 from the newest on (a live view; Spark's
 * rollups are the complete record), counted by {@link LiveLane}; an unreadable record goes to the dead-letter topic
 * with its reason. Closed minutes are compared with Spark's rows on a timer.
 * <p>
 * The consumer hands over records in batches (one exchange per batch, not per record): Camel's routing and route
 * metrics for each record were more than half of the lane's consumer thread at 25,000 events/s. A batch goes when it
 * holds {@code batch-max} records or once {@code batch-wait} has passed, so a record waits at most about that long plus
 * one poll.
 */
@ApplicationScoped
public class LiveLaneRoute extends RouteBuilder {

    private final LiveLane lane;
    private final Reconciliation reconciliation;
    private final AnalyticsConfig.Live config;

    public LiveLaneRoute(LiveLane lane, Reconciliation reconciliation, AnalyticsConfig config) {
        this.lane = lane;
        this.reconciliation = reconciliation;
        this.config = config.live();
    }

    @Override
    public void configure() {
        long waitMs = Math.max(1, config.batchWait().toMillis()); // a poll timeout of 0 would spin
        from("kafka:" + config.eventsTopic() + "," + config.ordersTopic() + "?brokers={{kafka.bootstrap.servers}}"
                + "&groupId=" + config.groupId() + "&autoOffsetReset=latest&clientId=analytics-live"
                + "&batching=true&maxPollRecords=" + config.batchMax() + "&batchingIntervalMs=" + waitMs
                + "&pollTimeoutMs=" + waitMs)
                .routeId("analytics-live-lane")
                .bean(lane, "acceptBatch")
                .split(body())
                .to("kafka:" + config.deadLetterTopic() + "?brokers={{kafka.bootstrap.servers}}"
                        + "&requestRequiredAcks=all&maxBlockMs=10000");

        from("timer:analytics-live-reconciliation?period=" + config.reconcileEvery().toMillis())
                .routeId("analytics-live-reconciliation")
                .bean(reconciliation, "run");
    }
}
