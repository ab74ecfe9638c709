package io.shoppulse.collector.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;

/** The service convention every ShopPulse service follows, checked on the collector. */
@QuarkusTest
@Servers
class ServiceConventionTest {

    @Test
    void readinessHasANamedCheckPerDependencyAndAllAreUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("keycloak", "Kafka connection health check",
                        "Database connections health check"));
    }

    @Test
    void prometheusMetricsCarryTheCommonTags() {
        given().header(EventsResource.WRITE_KEY_HEADER, Sources.newWriteKey()).contentType(ContentType.JSON)
                .body("[]").post("/v1/events").then().statusCode(202);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("shoppulse_collector_events_total{application=\"shoppulse\""))
                .body(containsString("service=\"collector\""));
    }

    @Test
    void theOpenApiContractIsServed() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/events'.post.responses.'202'.description", equalTo("The batch was processed"))
                .body("paths.'/v1/sources'.get.security[0].bearer", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aCallersCorrelationIdIsKeptAndOneIsMadeOtherwise() {
        given().header("X-Correlation-Id", "order-42.retry-1").get("/v1/sources").then().statusCode(401)
                .header("X-Correlation-Id", "order-42.retry-1")
                .body("correlation_id", equalTo("order-42.retry-1"));
        given().header("X-Correlation-Id", "bad id with spaces").get("/v1/sources").then()
                .header("X-Correlation-Id", matchesPattern("[0-9a-f-]{36}"));
    }
}
