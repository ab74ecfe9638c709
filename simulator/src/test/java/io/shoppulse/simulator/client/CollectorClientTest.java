package io.shoppulse.simulator.client;

import com.sun.net.httpserver.HttpServer;
import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.model.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The back-off against a stand-in HTTP server: a failing collector gets one probe, not a flood. */
class CollectorClientTest {

    private static final TenantSpec TENANT = new TenantSpec("0b6f3a52-7d4e-4c1a-9f0e-2a1b3c4d5e6f", "spk_test");
    private static final List<Event> BATCH = List.of(new Event("1f0c9a52-7d4e-4c1a-9f0e-2a1b3c4d5e6f", "page_view",
            Instant.parse("2026-03-04T18:30:00Z"), null, "a-1", "s-1", null,
            new Event.Page("https://demo-shop.example.com/", "/", null, "Home"), null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null));

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private CollectorClient client(int status, String retryAfter, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new CollectorClient("http://127.0.0.1:" + server.getAddress().getPort(), HttpClient.newHttpClient(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void acceptedEventsAreCountedAndRejectedOnesNamed() throws Exception {
        CollectorClient client = client(202, null, "{\"accepted\": 0, \"rejected\": [{\"index\": 0, \"event_id\":"
                + " \"x\", \"errors\": []}]}");
        CollectorClient.Result result = client.send(TENANT, "test", BATCH).get();
        assertThat(result).isEqualTo(new CollectorClient.Accepted(0, java.util.Set.of(0)));
        assertThat(client.open(TENANT)).isTrue();
    }

    @Test
    void retryAfterShutsTheGateAndNothingIsSentUntilItOpens() throws Exception {
        CollectorClient client = client(503, "30", "{}");
        CollectorClient.Result first = client.send(TENANT, "test", BATCH).get();
        assertThat(first).isInstanceOf(CollectorClient.Retry.class);
        assertThat(((CollectorClient.Retry) first).after()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(client.open(TENANT)).as("no new sessions while the collector refuses").isFalse();
        for (int i = 0; i < 50; i++) {
            assertThat(client.send(TENANT, "test", BATCH).get()).isInstanceOf(CollectorClient.Retry.class);
        }
        assertThat(requests).hasValue(1);
    }

    @Test
    void aWrongKeyIsRefusedForGood() throws Exception {
        CollectorClient client = client(401, null, "{\"title\": \"Unauthorized\"}");
        assertThat(client.send(TENANT, "test", BATCH).get()).isEqualTo(new CollectorClient.Refused(401));
    }

    @Test
    void anUnreachableCollectorBacksOffExponentially() throws Exception {
        CollectorClient client = client(202, null, "{}");
        server.stop(0);
        CollectorClient.Result first = client.send(TENANT, "test", BATCH).get();
        assertThat(first).isInstanceOf(CollectorClient.Retry.class);
        for (int i = 0; i < 20; i++) {
            assertThat(client.send(TENANT, "test", BATCH).get()).isInstanceOf(CollectorClient.Retry.class);
        }
        assertThat(client.open(TENANT)).isFalse();
    }
}
