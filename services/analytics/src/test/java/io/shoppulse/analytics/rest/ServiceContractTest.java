package io.shoppulse.analytics.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.analytics.AnalyticsServers;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** What the platform expects of every service: the contract, health per dependency, metrics, named routes. */
@QuarkusTest
@AnalyticsServers
class ServiceContractTest {

    @Inject
    CamelContext camel;

    @Test
    void theContractIsServedWithoutAToken() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("ShopPulse analytics"))
                .body("paths.keySet()", hasItems("/v1/live", "/v1/live/stream", "/v1/kpis", "/v1/products",
                        "/v1/funnel", "/v1/trending", "/v1/alerts"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void readinessNamesTheDatabaseKeycloakAndKafkaAndMetricsAreTagged() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "keycloak",
                        "Kafka connection health check"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("service=\"analytics\""))
                .body(containsString("shoppulse_analytics_live_lag_seconds"));
    }

    @Test
    void everyRouteHasAnAnalyticsId() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("analytics-live-lane",
                "analytics-live-reconciliation", "analytics-partition-maintenance")
                .allMatch(id -> id.startsWith("analytics-"));
    }
}
