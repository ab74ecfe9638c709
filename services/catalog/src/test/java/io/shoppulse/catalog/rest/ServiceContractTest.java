package io.shoppulse.catalog.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.catalog.CatalogDatabaseResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.PostgresResource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** What the platform expects of every service: the contract, health per dependency, metrics, named routes. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CatalogDatabaseResource.class, restrictToAnnotatedClass = false)
class ServiceContractTest {

    @Inject
    CamelContext camel;

    @Test
    void theContractIsServedWithoutAToken() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("ShopPulse catalog"))
                .body("paths.keySet()", hasItems("/v1/products", "/v1/products/{sku}",
                        "/v1/products/{sku}/prices/{currency}", "/v1/products/{sku}/inventory/{location}",
                        "/v1/categories"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void readinessNamesTheDatabaseKeycloakAndKafka() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "keycloak",
                        "Kafka connection health check"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("service=\"catalog\""));
    }

    @Test
    void everyRouteHasACatalogId() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("catalog-product-put",
                "catalog-products-list", "catalog-inventory-put", "catalog-categories-put")
                .filteredOn(id -> !id.startsWith("catalog-")).allMatch(id -> id.endsWith("-partition-maintenance"));
    }
}
