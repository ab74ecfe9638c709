package io.shoppulse.catalog;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;
import io.shoppulse.common.testing.TopicReader;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;

/**
 * What the catalog tests share: requests as a demo user, names no earlier run used (the database is shared and
 * kept between runs), and reading the catalog's events from Kafka.
 */
public final class CatalogApi {

    private CatalogApi() {
    }

    public static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.of(user)).contentType(ContentType.JSON);
    }

    /** A SKU of this run only. */
    public static String sku(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A lower-case word of this run only, for category roots and search terms. */
    public static String word() {
        StringBuilder word = new StringBuilder("zq");
        for (int i = 0; i < 12; i++) {
            word.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return word.toString();
    }

    /** Makes the categories (each parent before its children) in the demo tenant. */
    public static void categories(String... paths) {
        List<Map<String, String>> body = new ArrayList<>();
        for (String path : paths) {
            body.add(Map.of("path", path, "name", path.substring(path.lastIndexOf('/') + 1)));
        }
        as("demo-admin").body(body).put("/v1/categories").then().statusCode(200);
    }

    /** A valid product body. */
    public static Map<String, Object> product(String name, String category) {
        Map<String, Object> product = new HashMap<>();
        product.put("name", name);
        product.put("description", "A product of the catalog tests.");
        product.put("category", category);
        product.put("brand", "Acme");
        product.put("attributes", Map.of("color", "red", "size", 42));
        product.put("images", List.of("https://cdn.example.com/p/1.jpg"));
        return product;
    }

    /**
     * The catalog events of one product and of its stock (key {@code tenant:sku@location}) on Kafka
     * shop.catalog.v1, as the relay sent them: waits for {@code count}, returns {type, payload, key} each. Events of
     * one key arrive in order; those of different keys may interleave.
     */
    public static List<String[]> events(TopicReader reader, String sku, int count) {
        String key = Tokens.tenantOf("demo-admin") + ":" + sku;
        return reader.await(m -> m.key().equals(key) || m.key().startsWith(key + "@"), count).stream()
                .map(m -> new String[]{m.value().path("type").asText(), m.raw(), m.key()}).toList();
    }

    public static List<String> types(List<String[]> events) {
        return events.stream().map(e -> e[0]).toList();
    }

    public static long count(String sql, String arg) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":" + Platform.pgPort() + "/"
                + Platform.pgDatabase(), CatalogDatabaseResource.USER, CatalogDatabaseResource.password());
    }
}
