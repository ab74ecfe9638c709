package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.Events;
import io.shoppulse.common.testing.TopicReader;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@Servers
class EventsResourceTest {

    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

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
        Map<String, Object> view = Events.of("page_view", session);
        Map<String, Object> cart = Events.of("add_to_cart", session);
        try (TopicReader topic = new TopicReader("shop.events.v1")) {
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
                assertThat(m.value().get("items").get(0).get("item_id").asText()).isEqualTo("SKU-1");
            });
        }
    }

    @Test
    void eventsGoOnAsSentWithTheServersFieldsWhichNoClientCanForge() throws Exception {
        String session = "s-" + UUID.randomUUID();
        Map<String, Object> view = new java.util.LinkedHashMap<>(Events.of("page_view", session));
        view.put("page", Map.of("url", "https://shop.example.com/caf%C3%A9", "title", "Caf\u00e9 \u2615 \"quoted\""));
        Map<String, Object> forged = new java.util.LinkedHashMap<>(Events.of("view_item", session));
        forged.put("tenant_id", UUID.randomUUID().toString());
        forged.put("received_at", "2000-01-01T00:00:00Z");
        // Pretty-printed, with escapes and non-ASCII text: what arrives in Kafka must still be one valid object.
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(List.of(view, forged));
        try (TopicReader topic = new TopicReader("shop.events.v1")) {
            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                    .body(body.getBytes(StandardCharsets.UTF_8)).post("/v1/events").then().statusCode(202)
                    .body("accepted", equalTo(2));

            var messages = topic.await(m -> session.equals(m.value().path("session_id").asText()), 2);
            String tenant = Tokens.tenantOf("demo-admin");
            assertThat(messages.get(0).value().path("page").path("title").asText())
                    .isEqualTo("Caf\u00e9 \u2615 \"quoted\"");
            assertThat(messages).allSatisfy(m -> {
                assertThat(m.value().get("tenant_id").asText()).isEqualTo(tenant);
                assertThat(m.raw().split("\"tenant_id\"", -1)).as("one tenant_id in " + m.raw()).hasSize(2);
                assertThat(m.raw().split("\"received_at\"", -1)).hasSize(2);
                assertThat(m.value().get("context").isObject()).isTrue();
            });
            assertThat(Instant.parse(messages.get(1).value().get("received_at").asText()))
                    .isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        }
    }

    @Test
    void aKeyGivenTwiceInAnEventIsMalformed() {
        String event = Events.json(Events.of("page_view", "s-dup"));
        String twice = event.substring(0, event.length() - 1) + ",\"type\":\"purchase\"}";

        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                .body("[" + twice + "]").post("/v1/events").then().statusCode(400)
                .body("errors[0].reason", containsString("Duplicate field 'type'"));
    }

    @Test
    void theClientContextIsAddedWithoutTheFullIpAddress() {
        String session = "s-" + UUID.randomUUID();
        Map<String, Object> fromServer = Events.of("purchase", session);
        fromServer.put("user_agent", IPHONE); // a shop backend reporting the shopper's browser
        try (TopicReader topic = new TopicReader("shop.events.v1")) {

            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).header("User-Agent", CHROME)
                    .contentType(ContentType.JSON).body(List.of(Events.of("page_view", session), fromServer))
                    .post("/v1/events").then().statusCode(202).body("accepted", equalTo(2));

            var messages = topic.await(m -> session.equals(m.value().path("session_id").asText()), 2);
            var browser = messages.get(0).value().get("context");
            assertThat(browser.get("ip").asText()).isEqualTo("127.0.0.0");
            assertThat(browser.get("device").get("class").asText()).isEqualTo("desktop");
            assertThat(browser.get("device").get("browser").asText()).isEqualTo("Chrome");
            assertThat(browser.get("device").get("bot").asBoolean()).isFalse();
            var shopper = messages.get(1).value();
            assertThat(shopper.has("user_agent")).isFalse();
            assertThat(shopper.get("context").get("device").get("class").asText()).isEqualTo("phone");
            assertThat(shopper.get("context").get("device").get("os").asText()).isEqualTo("iOS");
        }
    }

    @Test
    void botsAreFlaggedNotDropped() {
        String session = "s-" + UUID.randomUUID();
        try (TopicReader topic = new TopicReader("shop.events.v1")) {
            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).header("User-Agent", GOOGLEBOT)
                    .contentType(ContentType.JSON).body(List.of(Events.of("page_view", session)))
                    .post("/v1/events").then().statusCode(202);

            var event = topic.await(m -> session.equals(m.value().path("session_id").asText()), 1).get(0).value();
            assertThat(event.get("context").get("device").get("bot").asBoolean()).isTrue();
        }
    }

    @Test
    void sentAtCancelsTheClientsClockError() {
        String session = "s-" + UUID.randomUUID();
        // The client's clock is two hours fast: it says the event happened 3 s before sending.
        Instant clientNow = Instant.now().plus(Duration.ofHours(2));
        Map<String, Object> skewed = Events.of("page_view", session);
        skewed.put("timestamp", clientNow.minusSeconds(3).toString());
        skewed.put("sent_at", clientNow.toString());
        Map<String, Object> future = Events.of("view_item", session);
        future.put("timestamp", clientNow.toString()); // no sent_at: cannot be corrected, so clamped
        try (TopicReader topic = new TopicReader("shop.events.v1")) {

            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                    .body(List.of(skewed, future)).post("/v1/events").then().statusCode(202);

            var messages = topic.await(m -> session.equals(m.value().path("session_id").asText()), 2);
            Instant received = Instant.parse(messages.get(0).value().get("received_at").asText());
            assertThat(Instant.parse(messages.get(0).value().get("occurred_at").asText()))
                    .isEqualTo(received.minusSeconds(3));
            assertThat(Instant.parse(messages.get(1).value().get("occurred_at").asText())).isEqualTo(received);
            assertThat(messages.get(0).value().get("timestamp").asText()).isEqualTo(skewed.get("timestamp"));
        }
    }

    @Test
    void anInvalidEventIsReportedAndDeadLetteredWhileItsSiblingsGoOn() {
        String session = "s-" + UUID.randomUUID();
        Map<String, Object> good = Events.of("view_item", session);
        Map<String, Object> bad = Events.of("add_to_cart", session);
        bad.put("event_id", "not-a-uuid");
        bad.remove("timestamp");
        bad.put("currency", "EURO");
        try (TopicReader events = new TopicReader("shop.events.v1");
                TopicReader dlq = new TopicReader("shop.events.dlq.v1")) {

            given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON)
                    .body(List.of(bad, good)).post("/v1/events").then().statusCode(202)
                    .body("accepted", equalTo(1))
                    .body("rejected", hasSize(1))
                    .body("rejected[0].index", equalTo(0))
                    .body("rejected[0].event_id", equalTo("not-a-uuid"))
                    .body("rejected[0].errors.field", equalTo(List.of("currency", "event_id", "timestamp")));

            assertThat(events.await(m -> session.equals(m.value().path("session_id").asText()), 1))
                    .extracting(m -> m.value().get("event_id").asText()).containsExactly((String) good.get("event_id"));
            var dead = dlq.await(m -> session.equals(m.value().path("event").path("session_id").asText()), 1);
            assertThat(dead.get(0).value().get("errors").findValuesAsText("field"))
                    .containsExactly("currency", "event_id", "timestamp");
            assertThat(dead.get(0).value().get("tenant_id").asText()).isEqualTo(Tokens.tenantOf("demo-admin"));
        }
    }

    @Test
    void ndjsonLinesAreJudgedOneByOne() {
        String session = "s-" + UUID.randomUUID();
        String body = Events.json(Events.of("search", session)) + "\n{not json\n"
                + Events.json(Events.of("view_item_list", session)) + "\n";

        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType("application/x-ndjson")
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(2))
                .body("rejected[0].index", equalTo(1))
                .body("rejected[0].errors[0].reason", containsString("not valid JSON"));
    }

    @Test
    void aBeaconBodyCarriesItsWriteKey() {
        String body = Events.json(Map.of("writeKey", writeKey, "batch", List.of(Events.of("page_view", "s-beacon"))));

        given().contentType("text/plain").body(body).post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(1));
    }

    @Test
    void malformedJsonIs400WithAProblem() {
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body("[{\"type\": ")
                .post("/v1/events").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"))
                .body("correlation_id", notNullValue());
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
            tooMany.add(Events.of("page_view", "s-big"));
        }
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body(tooMany)
                .post("/v1/events").then().statusCode(413).contentType("application/problem+json")
                .body("errors[0].reason", containsString("at most 500 events"));

        String huge = Events.json(List.of(Map.of("padding", "x".repeat(1024 * 1024))));
        given().header(EventsResource.WRITE_KEY_HEADER, writeKey).contentType(ContentType.JSON).body(huge)
                .post("/v1/events").then().statusCode(413).body("errors[0].field", equalTo("body"));
    }

    @Test
    void browsersOfAllowedOriginsOnlyMaySend() {
        String key = Sources.create("demo-admin", "Web " + UUID.randomUUID(), List.of("https://shop.example.com"))
                .path("write_key");

        given().header("Origin", "https://shop.example.com").header("Access-Control-Request-Method", "POST")
                .options("/v1/events").then().statusCode(204)
                .header("Access-Control-Allow-Origin", "https://shop.example.com")
                .header("Access-Control-Allow-Headers", containsString(EventsResource.WRITE_KEY_HEADER));
        given().header(EventsResource.WRITE_KEY_HEADER, key).header("Origin", "https://shop.example.com")
                .contentType(ContentType.JSON).body("[]").post("/v1/events").then().statusCode(202)
                .header("Access-Control-Allow-Origin", "https://shop.example.com");
        given().header(EventsResource.WRITE_KEY_HEADER, key).header("Origin", "https://evil.example.net")
                .contentType(ContentType.JSON).body("[]").post("/v1/events").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("https://evil.example.net"));
    }

    @Test
    void theNoScriptPixelRecordsAPageViewAndAnswersAGif() {
        String url = "https://shop.example.com/noscript/" + UUID.randomUUID();
        try (TopicReader topic = new TopicReader("shop.events.v1")) {

            byte[] gif = given().queryParam("writeKey", writeKey).queryParam("url", url).header("User-Agent", CHROME)
                    .get("/v1/p.gif").then().statusCode(200).contentType("image/gif").extract().asByteArray();

            assertThat(new String(gif, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
            var event = topic.await(m -> url.equals(m.value().path("page").path("url").asText()), 1).get(0).value();
            assertThat(event.get("type").asText()).isEqualTo("page_view");
            assertThat(event.get("anonymous_id").asText()).startsWith("px-").hasSize(35);
        }
        given().queryParam("url", url).get("/v1/p.gif").then().statusCode(401);
    }

    @Test
    void theSchemasAreServed() {
        given().get("/schemas/events/v1/purchase.json").then().statusCode(200)
                .body("$id", equalTo("https://shoppulse.io/schemas/events/v1/purchase.json"))
                .body("required", org.hamcrest.Matchers.hasItems("transaction_id", "currency"));
    }
}
