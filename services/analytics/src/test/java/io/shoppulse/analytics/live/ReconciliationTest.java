package io.shoppulse.analytics.live;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.analytics.AnalyticsServers;
import io.shoppulse.analytics.model.LiveMinute;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static io.shoppulse.analytics.Shop.awaitLaneReading;
import static io.shoppulse.analytics.Shop.db;
import static io.shoppulse.analytics.Shop.deleteTenant;
import static io.shoppulse.analytics.Shop.insert;
import static io.shoppulse.analytics.Shop.order;
import static io.shoppulse.analytics.Shop.partitions;
import static io.shoppulse.analytics.Shop.sendEvent;
import static io.shoppulse.analytics.Shop.sendOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A closed minute is served from the live counters until Spark's rows for it exist, then from Spark's rows, and the
 * difference between the lanes is counted. The test profile's grace (2 minutes) lets it send records of the minute
 * before the current one, which is closed at once.
 */
@QuarkusTest
@AnalyticsServers
class ReconciliationTest {

    @Inject
    LiveLane lane;

    @Inject
    MeterRegistry registry;

    @Test
    void aClosedMinuteSwitchesToSparksRowsOnceTheyExist() throws Exception {
        awaitLaneReading(lane);
        UUID tenant = UUID.randomUUID();
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        Instant at = minute.plusSeconds(30);
        for (int i = 0; i < 3; i++) {
            sendEvent(tenant, "s-" + i, at);
        }
        sendOrder(tenant, "O-1", order(tenant, "order.placed", "O-1", "EUR", "12.00", "0", at, null, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            LiveMinute closed = closed(tenant, minute);
            assertThat(closed.source()).isEqualTo("live");
            assertThat(closed.events()).isEqualTo(3);
            assertThat(closed.orders()).isEqualTo(1);
            assertThat(new BigDecimal(closed.netRevenue().get("EUR"))).isEqualByComparingTo("12.00");
        });
        double differencesBefore = registry.counter("shoppulse.analytics.live.differences", "figure", "events")
                .count();

        // Spark saw one event more (two slices) and a refund of 2.00 in the same minute.
        try (Connection c = db()) {
            partitions(c, "traffic_minute", "day", minute, minute.plusSeconds(60));
            partitions(c, "sales_minute", "day", minute, minute.plusSeconds(60));
            insert(c, "INSERT INTO traffic_minute (tenant_id, bucket, channel, device, sessions, events)"
                    + " VALUES (?, ?, 'google/cpc', 'desktop', 2, 3), (?, ?, '(direct)', 'phone', 1, 1)", tenant,
                    minute,
                    tenant, minute);
            insert(c, "INSERT INTO sales_minute (tenant_id, bucket, currency, country, orders, units, gross_revenue,"
                    + " refunds, refunded_amount) VALUES (?, ?, 'EUR', 'DE', 1, 2, 12.00, 1, 2.00)", tenant, minute);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                LiveMinute closed = closed(tenant, minute);
                assertThat(closed.source()).isEqualTo("spark");
                assertThat(closed.events()).isEqualTo(4);
                assertThat(closed.orders()).isEqualTo(1);
                assertThat(new BigDecimal(closed.netRevenue().get("EUR"))).isEqualByComparingTo("10.00");
                // The difference is reported once the minute has settled (hand-over-after), maybe a little later.
                assertThat(registry.counter("shoppulse.analytics.live.differences", "figure", "events").count())
                        .isGreaterThan(differencesBefore);
            });
        } finally {
            try (Connection c = db()) {
                deleteTenant(c, tenant, "traffic_minute", "sales_minute");
            }
        }
    }

    private LiveMinute closed(UUID tenant, Instant minute) {
        return lane.view(tenant).recent().stream().filter(m -> m.minute().equals(minute)).findFirst().orElseThrow();
    }
}
