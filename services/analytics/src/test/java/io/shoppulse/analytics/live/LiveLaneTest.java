package io.shoppulse.analytics.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.analytics.AnalyticsServers;
import io.shoppulse.analytics.model.LiveView;
import io.shoppulse.common.testing.Tokens;
import io.shoppulse.common.testing.TopicReader;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.shoppulse.analytics.Shop;

import static io.shoppulse.analytics.Shop.ORDERS;
import static io.shoppulse.analytics.Shop.as;
import static io.shoppulse.analytics.Shop.awaitLaneReading;
import static io.shoppulse.analytics.Shop.event;
import static io.shoppulse.analytics.Shop.order;
import static io.shoppulse.analytics.Shop.send;
import static io.shoppulse.analytics.Shop.sendEvent;
import static io.shoppulse.analytics.Shop.sendOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/** The live lane against the real Kafka: records sent to shop.events.v1 and shop.orders.v1, a tenant per test. */
@QuarkusTest
@AnalyticsServers
class LiveLaneTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    LiveLane lane;

    @TestHTTPResource("/v1/live/stream")
    URL stream;

    @BeforeEach
    void laneReads() {
        awaitLaneReading(lane);
    }

    @Test
    void eventsOfTheCurrentMinuteAreCountedWithTheirSessions() {
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now();
        sendEvent(tenant, "s-1", now);
        sendEvent(tenant, "s-1", now);
        sendEvent(tenant, "s-2", now);
        // Older than the current minute minus the grace: Spark's rollups count it, the live view does not.
        sendEvent(tenant, "s-old", now.minus(Duration.ofMinutes(10)));
        sendEvent(tenant, "s-3", now);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            LiveView view = lane.view(tenant);
            assertThat(view.events() + countedIn(view, now)).isEqualTo(4);
            assertThat(view.activeSessions()).isEqualTo(3);
        });
        assertThat(lane.view(tenant).eventsPerS()).isGreaterThan(0);
    }

    @Test
    void aRepeatedEventIdCountsOnce() {
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        String repeated = event(tenant, id, "s-1", now);
        send(Shop.EVENTS, tenant + ":s-1", repeated);
        send(Shop.EVENTS, tenant + ":s-1", repeated);
        // Same key, same partition, so this one is read after both copies.
        sendEvent(tenant, "s-1", now);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> lane.view(tenant).events() + countedIn(lane.view(tenant), now) >= 2);
        LiveView view = lane.view(tenant);
        assertThat(view.events() + countedIn(view, now)).isEqualTo(2);
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheirReasonAndTheRecordsBesideThemCount() {
        String marker = UUID.randomUUID().toString();
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now();
        try (TopicReader dlq = new TopicReader("shop.analytics.live.dlq.v1")) {
            // One key, so one partition, read in this order: the lane takes them in one batch or in several.
            send(Shop.EVENTS, "bad:" + marker, event(tenant, UUID.randomUUID().toString(), "s-1", now));
            send(Shop.EVENTS, "bad:" + marker, "not json " + marker);
            send(Shop.EVENTS, "bad:" + marker, event(tenant, UUID.randomUUID().toString(), "s-1", now));
            send(ORDERS, "bad:" + marker, "{\"event_id\":\"" + marker + "\",\"type\":\"order.placed\",\"tenant_id\":\""
                    + UUID.randomUUID() + "\",\"occurred_at\":\"" + Instant.now() + "\"}");

            List<TopicReader.Message> letters = dlq.await(m -> m.raw().contains(marker), 2);
            Map<String, String> reasons = Map.of(letters.get(0).value().path("topic").asText(),
                    letters.get(0).value().path("reason").asText(), letters.get(1).value().path("topic").asText(),
                    letters.get(1).value().path("reason").asText());
            assertThat(reasons.get(Shop.EVENTS)).startsWith("body: not JSON");
            assertThat(reasons.get(ORDERS)).isEqualTo("order: required object");
            assertThat(letters).allSatisfy(l -> assertThat(l.value().path("record").asText()).contains(marker));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> lane.view(tenant).events() + countedIn(lane.view(tenant), now) == 2);
        }
    }

    @Test
    void netRevenueIsKeptPerCurrencyExactlyWithRefundsAndCancellations() {
        UUID tenant = UUID.randomUUID();
        Instant now = Instant.now();
        sendOrder(tenant, "O-1", order(tenant, "order.placed", "O-1", "EUR", "100.10", "0", now, null, null));
        sendOrder(tenant, "O-2", order(tenant, "order.placed", "O-2", "JPY", "5000", "0", now, null, null));
        sendOrder(tenant, "O-3", order(tenant, "order.placed", "O-3", "EUR", "30.00", "0", now, null, null));
        // Paid changes no live figure; a refund of 20.05 and the cancellation of O-3 after 10.00 was refunded.
        sendOrder(tenant, "O-1", order(tenant, "order.paid", "O-1", "EUR", "100.10", "0", now, null, null));
        sendOrder(tenant, "O-1", order(tenant, "order.refunded", "O-1", "EUR", "100.10", "20.05", now, null,
                "{\"refund_id\":\"R-1\",\"amount\":20.05,\"refunded_at\":\"" + now + "\"}"));
        sendOrder(tenant, "O-3", order(tenant, "order.refunded", "O-3", "EUR", "30.00", "10.00", now, null,
                "{\"refund_id\":\"R-2\",\"amount\":10.00,\"refunded_at\":\"" + now + "\"}"));
        sendOrder(tenant, "O-3", order(tenant, "order.cancelled", "O-3", "EUR", "30.00", "10.00", now, now, null));

        // EUR: 100.10 + 30.00 - 20.05 - 10.00 - (30.00 - 10.00) = 80.05; JPY: 5000.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, String> revenue = revenueOf(lane.view(tenant), now);
            assertThat(revenue).containsOnlyKeys("EUR", "JPY");
            assertThat(new BigDecimal(revenue.get("EUR"))).isEqualByComparingTo("80.05");
            assertThat(new BigDecimal(revenue.get("JPY"))).isEqualByComparingTo("5000");
            assertThat(ordersOf(lane.view(tenant), now)).isEqualTo(3);
        });
    }

    @Test
    void theLiveViewIsServedForTheTokensTenantOnceAndAsAStream() throws Exception {
        UUID demo = UUID.fromString(Tokens.tenantOf("demo-viewer"));
        Instant now = Instant.now();
        sendEvent(demo, "s-" + UUID.randomUUID(), now);
        await().atMost(Duration.ofSeconds(30)).until(() -> lane.view(demo).activeSessions() >= 1);

        as("demo-viewer").get("/v1/live").then().statusCode(200).body("tenant_id", equalTo(demo.toString()))
                .body("active_sessions", greaterThanOrEqualTo(1));

        HttpRequest request = HttpRequest.newBuilder(stream.toURI()).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + Tokens.of("demo-marketer")).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> pushed = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            CompletableFuture.runAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null && pushed.size() < 2; line = lines.readLine()) {
                        if (line.startsWith("data:")) {
                            pushed.add(JSON.readTree(line.substring(5)));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS);
        }
        assertThat(pushed).hasSize(2)
                .allSatisfy(view -> assertThat(view.path("tenant_id").asText()).isEqualTo(demo.toString()));
    }

    /** Events counted in the closed minute of {@code at} (when the test straddled a minute boundary). */
    private static long countedIn(LiveView view, Instant at) {
        Instant minute = at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        return minute.equals(view.minute())
                ? 0
                : view.recent().stream().filter(m -> m.minute().equals(minute)).mapToLong(m -> m.events()).sum();
    }

    private static long ordersOf(LiveView view, Instant at) {
        Instant minute = at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        return minute.equals(view.minute())
                ? view.orders()
                : view.recent().stream().filter(m -> m.minute().equals(minute)).mapToLong(m -> m.orders()).sum();
    }

    private static Map<String, String> revenueOf(LiveView view, Instant at) {
        Instant minute = at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        return minute.equals(view.minute())
                ? view.netRevenue()
                : view.recent().stream().filter(m -> m.minute().equals(minute)).findFirst().orElseThrow()
                        .netRevenue();
    }
}
