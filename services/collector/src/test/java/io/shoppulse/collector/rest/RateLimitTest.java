package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A write key that sends faster than its rate is told when to come back; other keys are not affected. */
@QuarkusTest
@Servers
@TestProfile(RateLimitTest.SlowRate.class)
class RateLimitTest {

    public static class SlowRate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shoppulse.collector.rate-limit.requests-per-second", "1",
                    "shoppulse.collector.rate-limit.burst", "3");
        }
    }

    @Test
    void beyondTheBurstTheKeyGets429WithRetryAfter() {
        String busy = Sources.newWriteKey();
        String quiet = Sources.newWriteKey();

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(post(busy).statusCode());
        }

        assertThat(statuses.subList(0, 3)).containsOnly(202);
        assertThat(statuses.subList(3, 5)).containsOnly(429);
        var limited = post(busy);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(post(quiet).statusCode()).isEqualTo(202);
    }

    private static io.restassured.response.Response post(String key) {
        return given().header(EventsResource.WRITE_KEY_HEADER, key).contentType(ContentType.JSON).body("[]")
                .post("/v1/events");
    }
}
