package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** With no broker reachable, a batch is never acknowledged as accepted: the client is told to retry. */
@QuarkusTest
@Servers
@TestProfile(EventsWhenKafkaIsDownTest.NoBroker.class)
class EventsWhenKafkaIsDownTest {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) has no Kafka behind it; the real PostgreSQL and Keycloak are still used.
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:9", "shoppulse.collector.kafka-ack-timeout", "3s");
        }
    }

    @Test
    void answers503WithRetryAfterAndNever202() {
        String key = Sources.newWriteKey();

        given().header(EventsResource.WRITE_KEY_HEADER, key).contentType(ContentType.JSON)
                .body(List.of(io.shoppulse.collector.support.Events.of("page_view", "s-down"))).post("/v1/events")
                .then()
                .statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("status", equalTo(503));
    }

    @Test
    void aFullBatchIsRefusedAtOnceWithoutHoldingTheEventLoop() {
        List<Map<String, Object>> batch = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> io.shoppulse.collector.support.Events.of("page_view", "s-down")).toList();

        // A producer that waited for metadata (max.block.ms) would hold the event loop once per record: 50 records
        // at 2 s each kept this request for 100 s before sends were made non-blocking.
        given().header(EventsResource.WRITE_KEY_HEADER, Sources.newWriteKey()).contentType(ContentType.JSON)
                .body(batch).post("/v1/events").then().statusCode(503)
                .time(org.hamcrest.Matchers.lessThan(20_000L));
    }

    @Test
    void readinessReportsKafkaDown() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'Kafka connection health check' }.status", equalTo("DOWN"));
    }
}
