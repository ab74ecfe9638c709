package io.shoppulse.catalog.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.catalog.CatalogDatabaseResource;
import io.shoppulse.common.testing.KafkaResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.TopicReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.shoppulse.common.testing.PostgresResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.shoppulse.catalog.CatalogApi.as;
import static io.shoppulse.catalog.CatalogApi.count;
import static io.shoppulse.catalog.CatalogApi.events;
import static io.shoppulse.catalog.CatalogApi.types;
import static io.shoppulse.catalog.CatalogApi.product;
import static io.shoppulse.catalog.CatalogApi.sku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** Prices (exact money per currency, part of the product's version) and stock per location (own version). */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CatalogDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class PricesAndInventoryTest {

    private static TopicReader catalogEvents;

    @BeforeAll
    static void readCatalogEvents() {
        catalogEvents = new TopicReader("shop.catalog.v1");
    }

    @AfterAll
    static void stopReading() {
        catalogEvents.close();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pricesAreExactAndHaveTheirCurrencysDecimals() throws Exception {
        String sku = newProduct();
        as("demo-manager").header("If-Match", "\"1\"").body("{\"amount\": 19.99}")
                .put("/v1/products/" + sku + "/prices/EUR").then().statusCode(201).header("ETag", "\"2\"")
                .body("prices.EUR", equalTo(19.99f)).body("version", equalTo(2));
        as("demo-manager").header("If-Match", "\"2\"").body(Map.of("amount", 1500))
                .put("/v1/products/" + sku + "/prices/JPY").then().statusCode(201).header("ETag", "\"3\"");
        // The exact text of the amounts: 19.99 and 1500, never 19.989999 or 1500.0000.
        String body = as("demo-viewer").get("/v1/products/" + sku).then().statusCode(200).extract().asString();
        assertThat(body).contains("\"prices\":{\"EUR\":19.99,\"JPY\":1500}");
        assertThat(count("SELECT count(*) FROM catalog.prices WHERE sku = ? AND amount = 19.99", sku)).isEqualTo(1);

        // Too many decimals for the currency, negative, no amount, a wrong type or currency: 400 naming the field.
        String path = "/v1/products/" + sku + "/prices/";
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": 19.999}").put(path + "EUR").then()
                .statusCode(400).body("errors[0].field", equalTo("amount"))
                .body("errors[0].reason", containsString("2 decimals for EUR"));
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": 1500.5}").put(path + "JPY").then()
                .statusCode(400).body("errors[0].reason", containsString("0 decimals for JPY"));
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": -1}").put(path + "EUR").then()
                .statusCode(400).body("errors[0].field", equalTo("amount"));
        as("demo-manager").header("If-Match", "\"3\"").body("{}").put(path + "EUR").then().statusCode(400)
                .body("errors[0].field", equalTo("amount"));
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": \"cheap\"}").put(path + "EUR").then()
                .statusCode(400).body("errors[0].field", equalTo("amount"));
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": 5}").put(path + "EURO").then()
                .statusCode(400).body("errors[0].field", equalTo("currency"));
        // Changing a price is changing the product: its ETag is needed.
        as("demo-manager").body("{\"amount\": 17.50}").put(path + "EUR").then().statusCode(428);
        as("demo-manager").header("If-Match", "\"2\"").body("{\"amount\": 17.50}").put(path + "EUR").then()
                .statusCode(412);
        as("demo-manager").header("If-Match", "\"3\"").body("{\"amount\": 17.5}").put(path + "EUR").then()
                .statusCode(200).body("prices.EUR", equalTo(17.5f)).header("ETag", "\"4\"");
        as("demo-manager").body("{\"amount\": 17.50}").put(path + "EUR").then().statusCode(200)
                .header("ETag", "\"4\"");

        List<String[]> events = events(catalogEvents, sku, 4);
        assertThat(types(events)).containsExactly("catalog.product.upserted", "catalog.price.set",
                "catalog.price.set", "catalog.price.set");
        JsonNode last = JSON.readTree(events.get(3)[1]);
        assertThat(last.at("/price/currency").asText()).isEqualTo("EUR");
        assertThat(last.at("/price/amount").decimalValue()).isEqualByComparingTo("17.50");
        assertThat(last.at("/price/previous_amount").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(last.at("/product/version").asLong()).isEqualTo(4);
        assertThat(last.at("/product/prices/JPY").asInt()).isEqualTo(1500);
    }

    @Test
    void stockIsSetPerLocationWithItsOwnETag() throws Exception {
        String sku = newProduct();
        String berlin = "/v1/products/" + sku + "/inventory/berlin-1";
        as("demo-manager").body(Map.of("on_hand", 10, "reserved", 3)).put(berlin).then().statusCode(201)
                .header("ETag", "\"1\"").body("available", equalTo(7)).body("location", equalTo("berlin-1"));
        as("demo-manager").body(Map.of("on_hand", 4)).put("/v1/products/" + sku + "/inventory/paris").then()
                .statusCode(201).body("reserved", equalTo(0)).body("available", equalTo(4));

        as("demo-manager").body(Map.of("on_hand", 9, "reserved", 3)).put(berlin).then().statusCode(428);
        as("demo-manager").header("If-Match", "\"0\"").body(Map.of("on_hand", 9, "reserved", 3)).put(berlin)
                .then().statusCode(412);
        as("demo-manager").header("If-Match", "\"1\"").body(Map.of("on_hand", 9, "reserved", 3)).put(berlin)
                .then().statusCode(200).header("ETag", "\"2\"").body("available", equalTo(6));
        as("demo-viewer").get(berlin).then().statusCode(200).header("ETag", "\"2\"").body("on_hand", equalTo(9));
        as("demo-viewer").get("/v1/products/" + sku + "/inventory").then().statusCode(200)
                .body("items.location", equalTo(List.of("berlin-1", "paris")))
                .body("items.available", equalTo(List.of(6, 4)));
        // The product's own version is not touched by stock.
        as("demo-viewer").get("/v1/products/" + sku).then().header("ETag", "\"1\"");

        as("demo-manager").header("If-Match", "\"2\"").body(Map.of("on_hand", 2, "reserved", 3)).put(berlin)
                .then().statusCode(400).body("errors[0].field", equalTo("reserved"));
        as("demo-manager").body(Map.of("reserved", -1)).put(berlin).then().statusCode(400)
                .body("errors.field", hasItems("on_hand", "reserved"));
        as("demo-manager").body(Map.of("on_hand", 1.5)).put(berlin).then().statusCode(400)
                .body("errors[0].field", equalTo("on_hand"));
        as("demo-manager").body(Map.of("on_hand", 1)).put("/v1/products/" + sku("none") + "/inventory/x").then()
                .statusCode(404);
        as("other-admin").get(berlin).then().statusCode(404);

        // Three keys (the product, its stock in berlin-1 and in paris): in order within each key only.
        List<String[]> events = events(catalogEvents, sku, 4);
        assertThat(types(events)).containsExactlyInAnyOrder("catalog.product.upserted",
                "catalog.inventory.changed", "catalog.inventory.changed", "catalog.inventory.changed");
        List<String[]> berlinEvents = events.stream().filter(e -> e[2].endsWith(sku + "@berlin-1")).toList();
        assertThat(berlinEvents).hasSize(2);
        assertThat(events.stream().filter(e -> e[2].endsWith(sku + "@paris"))).hasSize(1);
        JsonNode last = JSON.readTree(berlinEvents.get(1)[1]);
        assertThat(last.at("/inventory/sku").asText()).isEqualTo(sku);
        assertThat(last.at("/inventory/location").asText()).isEqualTo("berlin-1");
        assertThat(last.at("/inventory/on_hand").asInt()).isEqualTo(9);
        assertThat(last.at("/inventory/reserved").asInt()).isEqualTo(3);
        assertThat(last.at("/inventory/available").asInt()).isEqualTo(6);
        assertThat(last.at("/inventory/version").asLong()).isEqualTo(2);
    }

    @Test
    void categoriesFormATreeAndNeedTheirParents() {
        String root = io.shoppulse.catalog.CatalogApi.word();
        as("demo-admin").body(List.of(Map.of("path", root + "/shoes/running", "name", "Running"),
                Map.of("path", root, "name", "Apparel"), Map.of("path", root + "/shoes", "name", "Shoes"),
                Map.of("path", root + "/hats", "name", "Hats"))).put("/v1/categories").then().statusCode(200);

        var tree = as("demo-viewer").get("/v1/categories").then().statusCode(200).extract().jsonPath();
        int at = tree.getList("items.path", String.class).indexOf(root);
        assertThat(tree.getString("items[" + at + "].name")).isEqualTo("Apparel");
        assertThat(tree.getList("items[" + at + "].children.path", String.class)).containsExactly(root + "/hats",
                root + "/shoes");
        assertThat(tree.getString("items[" + at + "].children[1].children[0].name")).isEqualTo("Running");

        as("demo-admin").body(List.of(Map.of("path", root + "/shoes", "name", "Footwear"))).put("/v1/categories")
                .then().statusCode(200);
        as("other-admin").get("/v1/categories").then().statusCode(200)
                .body("items.path", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(root)));

        as("demo-admin").body(List.of(Map.of("path", root + "/missing/child", "name", "Orphan"),
                Map.of("path", "Bad Path", "name", ""))).put("/v1/categories").then().statusCode(400)
                .body("errors.field", hasItems("[1].path", "[1].name"));
        as("demo-admin").body(List.of(Map.of("path", root + "/missing/child", "name", "Orphan")))
                .put("/v1/categories").then().statusCode(400).body("errors[0].field", equalTo("[0].path"));
    }

    private static String newProduct() {
        String sku = sku("M");
        as("demo-manager").body(product("Money Shoe", null)).put("/v1/products/" + sku).then().statusCode(201);
        return sku;
    }
}
