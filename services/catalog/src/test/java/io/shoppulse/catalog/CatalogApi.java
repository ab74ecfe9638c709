package io.shoppulse.catalog;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;

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
 * kept between runs), and reading the outbox straight from the database.
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

    /** The outbox events of one product and its stock (aggregate sku@location), oldest first: type and payload. */
    public static List<String[]> outbox(String sku) throws Exception {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event_type, payload::text FROM catalog.outbox WHERE aggregate_id = ?"
                                + " OR starts_with(aggregate_id, ? || '@') ORDER BY id")) {
            ps.setString(1, sku);
            ps.setString(2, sku);
            List<String[]> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            return events;
        }
    }

    public static List<String> outboxTypes(String sku) throws Exception {
        return outbox(sku).stream().map(e -> e[0]).toList();
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
