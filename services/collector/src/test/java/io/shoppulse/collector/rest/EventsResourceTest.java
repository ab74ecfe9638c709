package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.EventsTopic;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@Servers
class EventsResourceTest {

    private static String writeKey;

    @BeforeEach
    void createSourceOnce() {
        if (writeKey == null) {
            writeKey = Sources.newWriteKey();
        }
    }

    @Test
    void validEventsReachKafkaStampedWithTenantAndKeyedBySession() {
        String session = "s-" + UUID.randomUUID();
        Map<String, Object> view = event("page_view", session);
        Map<String, Object> cart = event("add_to_cart", session);
        try (EventsTopic topic = new EventsTopic("shop.events.v1")) {
            Instant before = Instant.now();

            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                    .body(List.of(view, cart)).post("/v1/events").then().statusCode(202)
                    .body("accepted", equalTo(2)).body("rejected", empty());

            var messages = topic.await(m -> session.equals(m.value().path("session_id").asText()), 2);
            String tenant = Tokens.tenantOf("demo-admin");
            assertThat(messages).extracting(m -> m.value().get("event_id").asText())
                    .containsExactly((String) view.get("event_id"), (String) cart.get("event_id"));
            assertThat(messages).allSatisfy(m -> {
                assertThat(m.key()).isEqualTo(tenant + ":" + session);
                assertThat(m.value().get("tenant_id").asText()).isEqualTo(tenant);
                assertThat(Instant.parse(m.value().get("received_at").asText()))
                        .isAfterOrEqualTo(before.minusSeconds(1));
            });
        }
    }

    @Test
    void anInvalidEventIsReportedAndDeadLetteredWhileItsSiblingsGoOn() {
        String session = "s-" + UUID.randomUUID();
        Map<String, Object> good = event("view_item", session);
        Map<String, Object> bad = event("Not A Type", session);
        bad.put("event_id", "not-a-uuid");
        bad.remove("timestamp");
        try (EventsTopic events = new EventsTopic("shop.events.v1");
                EventsTopic dlq = new EventsTopic("shop.events.dlq.v1")) {

            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                    .body(List.of(bad, good)).post("/v1/events").then().statusCode(202)
                    .body("accepted", equalTo(1))
                    .body("rejected", hasSize(1))
                    .body("rejected[0].index", equalTo(0))
                    .body("rejected[0].event_id", equalTo("not-a-uuid"))
                    .body("rejected[0].errors.field", equalTo(List.of("event_id", "type", "timestamp")));

            assertThat(events.await(m -> session.equals(m.value().path("session_id").asText()), 1))
                    .extracting(m -> m.value().get("event_id").asText()).containsExactly((String) good.get("event_id"));
            var dead = dlq.await(m -> session.equals(m.value().path("event").path("session_id").asText()), 1);
            assertThat(dead.get(0).value().get("errors").findValuesAsText("field"))
                    .containsExactly("event_id", "type", "timestamp");
            assertThat(dead.get(0).value().get("tenant_id").asText()).isEqualTo(Tokens.tenantOf("demo-admin"));
        }
    }

    @Test
    void ndjsonLinesAreJudgedOneByOne() {
        String session = "s-" + UUID.randomUUID();
        String body = json(event("search", session)) + "\n{not json\n" + json(event("view_item_list", session)) + "\n";

        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType("application/x-ndjson")
                .body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(2))
                .body("rejected[0].index", equalTo(1))
                .body("rejected[0].errors[0].reason", containsString("not valid JSON"));
    }

    @Test
    void aBeaconBodyCarriesItsWriteKey() {
        String body = "{\"writeKey\":\"" + writeKey + "\",\"batch\":[" + json(event("page_view", "s-beacon")) + "]}";

        given().contentType("text/plain").body(body).post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(1));
    }

    @Test
    void malformedJsonIs400WithAProblem() {
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body("[{\"type\": ")
                .post("/v1/events").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"))
                .body("correlation_id", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aMissingOrUnknownWriteKeyIs401() {
        given().contentType(ContentType.JSON).body("[]").post("/v1/events").then().statusCode(401)
                .contentType("application/problem+json").body("type", containsString("missing-write-key"));
        given().header(EventsResource.WRITE_KEY_HEADER, "spk_" + "x".repeat(40)).contentType(ContentType.JSON)
                .body("[]").post("/v1/events").then().statusCode(401).body("type", containsString("unknown-write-key"));
    }

    @Test
    void tooManyEventsOrTooManyBytesIs413() {
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(event("page_view", "s-big"));
        }
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body(tooMany)
                .post("/v1/events").then().statusCode(413).contentType("application/problem+json")
                .body("errors[0].reason", containsString("at most 500 events"));

        String huge = "[" + json(Map.of("padding", "x".repeat(1024 * 1024))) + "]";
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body(huge)
                .post("/v1/events").then().statusCode(413).body("errors[0].field", equalTo("body"));
    }

    static Map<String, Object> event(String type, String session) {
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("event_id", UUID.randomUUID().toString());
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("session_id", session);
        event.put("anonymous_id", "a-" + session);
        return event;
    }

    static String json(Map<String, Object> event) {
        return event.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
