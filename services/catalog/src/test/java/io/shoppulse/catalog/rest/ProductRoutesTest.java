package io.shoppulse.catalog.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoppulse.catalog.CatalogDatabaseResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.TopicReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.shoppulse.common.testing.PostgresResource;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static io.shoppulse.catalog.CatalogApi.as;
import static io.shoppulse.catalog.CatalogApi.categories;
import static io.shoppulse.catalog.CatalogApi.events;
import static io.shoppulse.catalog.CatalogApi.types;
import static io.shoppulse.catalog.CatalogApi.product;
import static io.shoppulse.catalog.CatalogApi.sku;
import static io.shoppulse.catalog.CatalogApi.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

/** Products over the REST DSL routes, against the real PostgreSQL (schema catalog) and real Keycloak tokens. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CatalogDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class ProductRoutesTest {

    private static TopicReader catalogEvents;

    @BeforeAll
    static void readCatalogEvents() {
        catalogEvents = new TopicReader("shop.catalog.v1");
    }

    @AfterAll
    static void stopReading() {
        catalogEvents.close();
    }

    static String shoes;

    @BeforeEach
    void categoryOfThisRun() {
        if (shoes == null) {
            String root = word();
            categories(root, root + "/shoes");
            shoes = root + "/shoes";
        }
    }

    @Test
    void aProductIsCreatedReadReplacedWithItsETagAndArchived() throws Exception {
        String sku = sku("P");
        as("demo-manager").body(product("Trail Runner", shoes)).put("/v1/products/" + sku).then().statusCode(201)
                .header("ETag", "\"1\"").header("Location", containsString("/v1/products/" + sku))
                .body("sku", equalTo(sku)).body("status", equalTo("active")).body("version", equalTo(1))
                .body("attributes.size", equalTo(42)).body("images[0]", equalTo("https://cdn.example.com/p/1.jpg"));

        as("demo-viewer").get("/v1/products/" + sku).then().statusCode(200).header("ETag", "\"1\"")
                .body("name", equalTo("Trail Runner")).body("category", equalTo(shoes))
                .body("created_at", notNullValue());

        Map<String, Object> renamed = product("Trail Runner 2", shoes);
        // Replacing what exists needs its ETag: none is 428, a stale one 412, the current one 200.
        as("demo-manager").body(renamed).put("/v1/products/" + sku).then().statusCode(428)
                .contentType("application/problem+json").body("errors[0].field", equalTo("If-Match"));
        as("demo-manager").header("If-Match", "\"7\"").body(renamed).put("/v1/products/" + sku).then()
                .statusCode(412).contentType("application/problem+json")
                .body("detail", containsString("\"1\"")).body("errors[0].field", equalTo("If-Match"));
        as("demo-manager").header("If-Match", "\"1\"").body(renamed).put("/v1/products/" + sku).then()
                .statusCode(200).header("ETag", "\"2\"").body("name", equalTo("Trail Runner 2"));
        // The same content again changes nothing, whatever the ETag: a retried PUT is harmless.
        as("demo-manager").header("If-Match", "\"1\"").body(renamed).put("/v1/products/" + sku).then()
                .statusCode(200).header("ETag", "\"2\"");

        as("demo-manager").delete("/v1/products/" + sku).then().statusCode(428);
        as("demo-manager").header("If-Match", "W/\"2\"").delete("/v1/products/" + sku).then().statusCode(200)
                .header("ETag", "\"3\"").body("status", equalTo("archived"));
        as("demo-manager").delete("/v1/products/" + sku).then().statusCode(200).body("version", equalTo(3));
        as("demo-viewer").get("/v1/products/" + sku).then().statusCode(200).body("status", equalTo("archived"));

        // One key, one partition: in order. An event the retried PUT had wrongly made would come before the archive.
        assertThat(types(events(catalogEvents, sku, 3))).containsExactly("catalog.product.upserted",
                "catalog.product.upserted", "catalog.product.archived");
    }

    @Test
    void eachChangeWritesOneOutboxEventWithTheFullState() throws Exception {
        String sku = sku("E");
        as("demo-admin").body(product("Event Shoe", shoes)).put("/v1/products/" + sku).then().statusCode(201);

        List<String[]> events = events(catalogEvents, sku, 1);
        assertThat(events).hasSize(1);
        var payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.get(0)[1]);
        assertThat(payload.get("type").asText()).isEqualTo("catalog.product.upserted");
        assertThat(payload.get("event_id").asText()).isNotBlank();
        assertThat(payload.get("tenant_id").asText()).isEqualTo(Tokens.tenantOf("demo-admin"));
        assertThat(payload.get("occurred_at").asText()).endsWith("Z");
        assertThat(payload.at("/product/sku").asText()).isEqualTo(sku);
        assertThat(payload.at("/product/version").asLong()).isEqualTo(1);
        assertThat(payload.at("/product/attributes/color").asText()).isEqualTo("red");
        assertThat(events.get(0)[2]).isEqualTo(Tokens.tenantOf("demo-admin") + ":" + sku);
    }

    @Test
    void aWriteTheDatabaseRefusesLeavesNeitherProductNorEvent() throws Exception {
        String sku = sku("F");
        // The category exists nowhere: the database's foreign key refuses the row after the event was written in
        // the same transaction, so the event goes with it.
        as("demo-admin").body(product("Lost Shoe", word() + "/nowhere")).put("/v1/products/" + sku).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("category"));

        as("demo-admin").get("/v1/products/" + sku).then().statusCode(404);
        // Then the product is made for real: its event is the first and only one of this SKU on Kafka.
        as("demo-admin").body(product("Found Shoe", shoes)).put("/v1/products/" + sku).then().statusCode(201);
        List<String[]> events = events(catalogEvents, sku, 1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0)[1]).contains("Found Shoe").doesNotContain("Lost Shoe");
    }

    @Test
    void concurrentCreatesOfOneSkuMakeOneProductAndOneEvent() throws Exception {
        String sku = sku("Z");
        Map<String, Object> body = product("Raced Shoe", shoes);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit(() -> as("demo-admin").body(body).put("/v1/products/" + sku).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
            // One request made it; the others found it made (their own event rolled back) and changed nothing.
            assertThat(statuses).containsOnly(201, 200).filteredOn(s -> s == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        // A real change after the race: any event a losing request had wrongly made would come before it.
        as("demo-admin").header("If-Match", "\"1\"").body(product("Raced Shoe 2", shoes)).put("/v1/products/" + sku)
                .then().statusCode(200);
        List<String[]> events = events(catalogEvents, sku, 2);
        assertThat(types(events)).containsExactly("catalog.product.upserted", "catalog.product.upserted");
        assertThat(events.get(1)[1]).contains("Raced Shoe 2");
    }

    @Test
    void createOnlyWithIfNoneMatchAndIfMatchOnNothingIs412() {
        String sku = sku("C");
        as("demo-admin").header("If-Match", "\"1\"").body(product("Ghost", shoes)).put("/v1/products/" + sku)
                .then().statusCode(412);
        as("demo-admin").header("If-None-Match", "*").body(product("First", shoes)).put("/v1/products/" + sku)
                .then().statusCode(201);
        as("demo-admin").header("If-None-Match", "*").body(product("First", shoes)).put("/v1/products/" + sku)
                .then().statusCode(412).body("errors[0].field", equalTo("If-None-Match"));
    }

    @Test
    void anotherTenantSeesNothingAndCannotTouchIt() {
        String sku = sku("T");
        as("demo-admin").body(product("Private Shoe", shoes)).put("/v1/products/" + sku).then().statusCode(201);

        as("other-admin").get("/v1/products/" + sku).then().statusCode(404)
                .contentType("application/problem+json").body("errors[0].field", equalTo("sku"));
        as("other-admin").header("If-Match", "\"1\"").delete("/v1/products/" + sku).then().statusCode(404);
        as("other-admin").header("If-Match", "\"1\"").body(Map.of("amount", 10))
                .put("/v1/products/" + sku + "/prices/EUR").then().statusCode(404);
        as("other-admin").queryParam("category", shoes).get("/v1/products").then().statusCode(200)
                .body("items.size()", equalTo(0));
        as("demo-viewer").get("/v1/products/" + sku).then().statusCode(200);
    }

    @Test
    void rolesAreCheckedPerMethod() {
        String sku = sku("R");
        given().contentType(ContentType.JSON).body(product("No Token", shoes)).put("/v1/products/" + sku).then()
                .statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        for (String reader : List.of("demo-viewer", "demo-analyst", "demo-marketer")) {
            as(reader).body(product("Reader", shoes)).put("/v1/products/" + sku).then().statusCode(403)
                    .contentType("application/problem+json").body("status", equalTo(403));
        }
        as("demo-viewer").body(List.of(Map.of("path", word(), "name", "x"))).put("/v1/categories").then()
                .statusCode(403);
        as("demo-admin").body(product("Admin", shoes)).put("/v1/products/" + sku).then().statusCode(201);
        as("demo-marketer").get("/v1/products/" + sku).then().statusCode(200);
        as("demo-analyst").get("/v1/products").then().statusCode(200);
        as("demo-viewer").header("If-Match", "\"1\"").delete("/v1/products/" + sku).then().statusCode(403);
    }

    @Test
    void badProductsAre400NamingEachField() {
        String sku = sku("B");
        Map<String, Object> bad = new HashMap<>();
        bad.put("name", " ");
        bad.put("category", "Apparel/Shoes");
        bad.put("images", List.of("ftp://files.example.com/a.jpg", "not a url"));
        bad.put("attributes", List.of(1, 2));
        bad.put("status", "deleted");
        as("demo-admin").body(bad).put("/v1/products/" + sku).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("name", "category", "images[0]", "images[1]", "attributes", "status"))
                .body("instance", equalTo("/v1/products/" + sku));

        Map<String, Object> misspelt = product("Typo", shoes);
        misspelt.put("descripton", "oops");
        as("demo-admin").body(misspelt).put("/v1/products/" + sku).then().statusCode(400)
                .body("errors[0].field", equalTo("descripton"));

        Map<String, Object> wrongType = product("Typed", shoes);
        wrongType.put("images", "https://cdn.example.com/one.jpg");
        as("demo-admin").body(wrongType).put("/v1/products/" + sku).then().statusCode(400)
                .body("errors[0].field", equalTo("images"));

        as("demo-admin").body("{\"name\": ").put("/v1/products/" + sku).then().statusCode(400)
                .body("errors[0].field", equalTo("body"));
        as("demo-admin").body(product("Bad sku", shoes)).put("/v1/products/bad%20sku").then().statusCode(400)
                .body("errors[0].field", equalTo("sku"));
        Map<String, Object> otherSku = product("Other", shoes);
        otherSku.put("sku", "something-else");
        as("demo-admin").body(otherSku).put("/v1/products/" + sku).then().statusCode(400)
                .body("errors.field", hasItem("sku"));
        as("demo-admin").contentType(ContentType.TEXT).body("name=x").put("/v1/products/" + sku).then()
                .statusCode(415);
        as("demo-admin").get("/v1/products/" + sku).then().statusCode(404);
    }

    @Test
    void theCorrelationIdIsEchoedAndNamedInProblems() {
        as("demo-viewer").header("X-Correlation-Id", "catalog-test-1").get("/v1/products/" + sku("none")).then()
                .statusCode(404).header("X-Correlation-Id", "catalog-test-1")
                .body("correlation_id", equalTo("catalog-test-1"));
    }
}
