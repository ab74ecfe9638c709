package io.shoppulse.catalog.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shoppulse.catalog.CatalogDatabaseResource;
import io.shoppulse.common.testing.KeycloakResource;
import io.shoppulse.common.testing.PostgresResource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.shoppulse.catalog.CatalogApi.as;
import static io.shoppulse.catalog.CatalogApi.categories;
import static io.shoppulse.catalog.CatalogApi.product;
import static io.shoppulse.catalog.CatalogApi.sku;
import static io.shoppulse.catalog.CatalogApi.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Listing: PostgreSQL full-text search with weighted ranking, category prefix and brand filters, keyset pages. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = CatalogDatabaseResource.class, restrictToAnnotatedClass = false)
class ProductSearchTest {

    @Test
    void aNameMatchRanksAboveADescriptionMatch() {
        String term = word();
        String inDescription = put(sku("D"), "Plain Sneaker", "Made by the " + term + " workshop.", null, "Acme");
        String inName = put(sku("N"), "The " + term + " Sneaker", "Nothing special.", null, "Acme");
        put(sku("X"), "Unrelated Boot", "Nothing to see.", null, "Acme");

        JsonPath found = as("demo-analyst").queryParam("q", term).get("/v1/products").then().statusCode(200)
                .extract().jsonPath();
        assertThat(found.getList("items.sku", String.class)).containsExactly(inName, inDescription);
    }

    @Test
    void webSearchSyntaxAndStemmingWork() {
        String term = word();
        String running = put(sku("S"), term + " running shoes", null, null, "Acme");
        String waterproof = put(sku("S"), term + " waterproof running shoe", null, null, "Acme");

        assertThat(search(term + " run shoe")).containsExactlyInAnyOrder(running, waterproof);
        assertThat(search(term + " shoes -waterproof")).containsExactly(running);
        assertThat(search("\"" + term + " waterproof\"")).containsExactly(waterproof);
    }

    @Test
    void everyProductComesExactlyOnceAcrossPages() {
        String root = word();
        categories(root);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(put(sku("K"), "Page Item " + i, null, root, "Acme"));
        }
        assertThat(pages(Map.of("category", root), 3)).hasSize(3).flatExtracting(page -> page)
                .containsExactlyElementsOf(made.stream().sorted().toList());

        // Searching, with ranks that tie (same text) and ranks that differ, pages stay exact.
        String term = word();
        List<String> ranked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ranked.add(put(sku("Q"), i % 2 == 0 ? term + " boot" : "Boot", term + " leather", null, "Acme"));
        }
        List<List<String>> searched = pages(Map.of("q", term), 2);
        assertThat(searched).hasSize(3);
        List<String> all = searched.stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ranked);
        // The three whose name matches come first.
        assertThat(all.subList(0, 3)).containsExactlyInAnyOrder(ranked.get(0), ranked.get(2), ranked.get(4));
    }

    @Test
    void categoryPrefixAndBrandFilter() {
        String root = word();
        categories(root, root + "/shoes", root + "/shoes/running", root + "/shoestrings", root + "/hats");
        String shoes = put(sku("C"), "Shoe", null, root + "/shoes", "Acme");
        String runner = put(sku("C"), "Runner", null, root + "/shoes/running", "Swift");
        put(sku("C"), "Lace", null, root + "/shoestrings", "Acme");
        put(sku("C"), "Hat", null, root + "/hats", "Acme");

        assertThat(list(Map.of("category", root + "/shoes"))).containsExactlyInAnyOrder(shoes, runner);
        assertThat(list(Map.of("category", root + "/shoes", "brand", "Swift"))).containsExactly(runner);
        assertThat(list(Map.of("category", root))).hasSize(4);
        assertThat(list(Map.of("category", root, "status", "archived"))).isEmpty();

        as("demo-viewer").queryParam("category", "Not A Path").get("/v1/products").then().statusCode(400)
                .body("errors[0].field", equalTo("category"));
        as("demo-viewer").queryParam("limit", 0).get("/v1/products").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        as("demo-viewer").queryParam("status", "gone").get("/v1/products").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        as("demo-viewer").queryParam("cursor", "not-a-cursor").get("/v1/products").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    private static String put(String sku, String name, String description, String category, String brand) {
        Map<String, Object> body = product(name, category);
        body.put("description", description);
        body.put("brand", brand);
        as("demo-manager").body(body).put("/v1/products/" + sku).then().statusCode(201);
        return sku;
    }

    private static List<String> search(String q) {
        return list(Map.of("q", q));
    }

    private static List<String> list(Map<String, String> params) {
        return as("demo-viewer").queryParams(params).get("/v1/products").then().statusCode(200).extract().jsonPath()
                .getList("items.sku", String.class);
    }

    /** Every page of the listing, following next_cursor to the end. */
    private static List<List<String>> pages(Map<String, String> params, int limit) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            var request = as("demo-viewer").queryParams(params).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/products").then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("items.sku", String.class));
            cursor = page.getString("next_cursor");
        } while (cursor != null && pages.size() < 20);
        return pages;
    }
}
