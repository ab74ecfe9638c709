package io.shoppulse.orders.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.orders.OrdersServers;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;
import io.shoppulse.common.testing.TopicReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** The orders API against the real PostgreSQL (partitioned tables), Keycloak tokens, and its events on Kafka. */
@QuarkusTest
@OrdersServers
class OrdersResourceTest {

    private static TopicReader orderEvents;

    @BeforeAll
    static void readOrderEvents() {
        orderEvents = new TopicReader("shop.orders.v1");
    }

    @AfterAll
    static void stopReading() {
        orderEvents.close();
    }

    @Test
    void anOrderGoesFromPlacedToDeliveredAndEachStepIsInTheOutbox() throws Exception {
        String id = "O-" + UUID.randomUUID();
        as("demo-manager").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(201)
                .header("Location", containsString("/v1/orders/" + id))
                .body("status", equalTo("placed")).body("total", equalTo(100.09f));

        as("demo-manager").body(Map.of()).post("/v1/orders/" + id + "/payment").then().statusCode(200)
                .body("status", equalTo("paid")).body("paid_at", notNullValue());
        as("demo-manager").body(Map.of()).post("/v1/orders/" + id + "/shipment").then().statusCode(200);
        as("demo-manager").body(Map.of("at", "2026-11-05T10:00:00Z")).post("/v1/orders/" + id + "/delivery").then()
                .statusCode(200).body("status", equalTo("delivered")).body("delivered_at",
                        equalTo("2026-11-05T10:00:00Z"));

        assertThat(published(id, 4)).containsExactly("order.placed", "order.paid", "order.shipped", "order.delivered");
    }

    @Test
    void placingTheSameOrderAgainChangesNothingButADifferentOneUnderItsIdIs409() throws Exception {
        String id = "O-" + UUID.randomUUID();
        as("demo-manager").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(201);

        as("demo-manager").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(200)
                .body("version", equalTo(1));
        as("demo-manager").body(order(id, "2026-11-03T09:30:00Z")).post("/v1/orders").then().statusCode(409)
                .body("errors[0].field", equalTo("order_id"));
        // A real change after the replays: any event the replays had wrongly made would be sent before this one.
        as("demo-manager").body(Map.of()).post("/v1/orders/" + id + "/payment").then().statusCode(200);
        assertThat(published(id, 2)).containsExactly("order.placed", "order.paid");
    }

    @Test
    void illegalTransitionsAre409AndARepeatedMessageIsANoOp() throws Exception {
        String id = "O-" + UUID.randomUUID();
        as("demo-manager").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(201);

        as("demo-manager").body(Map.of()).post("/v1/orders/" + id + "/delivery").then().statusCode(409)
                .contentType("application/problem+json")
                .body("errors[0].reason", equalTo("cannot go from placed to delivered"));
        as("demo-manager").header(OrdersResource.IDEMPOTENCY_KEY, "m-" + id).body(Map.of())
                .post("/v1/orders/" + id + "/payment").then().statusCode(200).body("version", equalTo(2));
        as("demo-manager").header(OrdersResource.IDEMPOTENCY_KEY, "m-" + id).body(Map.of())
                .post("/v1/orders/" + id + "/payment").then().statusCode(200).body("version", equalTo(2));
        assertThat(published(id, 2)).containsExactly("order.placed", "order.paid");
    }

    @Test
    void partialRefundsAreLinesAndAReplayedRefundCountsOnce() throws Exception {
        String id = "O-" + UUID.randomUUID();
        as("demo-manager").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(201);
        as("demo-manager").body(Map.of()).post("/v1/orders/" + id + "/payment").then().statusCode(200);
        Map<String, Object> refund = Map.of("refund_id", "R-1", "lines",
                List.of(Map.of("sku", "SKU-1", "quantity", 1)));

        for (int i = 0; i < 2; i++) {
            as("demo-manager").body(refund).post("/v1/orders/" + id + "/refunds").then().statusCode(200)
                    .body("refunded", equalTo(30.0f)).body("status", equalTo("paid"))
                    .body("lines.kind", hasItem("refund")).body("lines", hasSize(3));
        }
        as("demo-manager").body(Map.of("refund_id", "R-2", "amount", 500)).post("/v1/orders/" + id + "/refunds")
                .then().statusCode(400).body("errors[0].field", equalTo("amount"));

        // The rest refunds the order in full; replaying that refund once the order is refunded is still a no-op.
        Map<String, Object> rest = Map.of("refund_id", "R-3", "amount", 70.09);
        for (int i = 0; i < 2; i++) {
            as("demo-manager").body(rest).post("/v1/orders/" + id + "/refunds").then().statusCode(200)
                    .body("status", equalTo("refunded")).body("refunded", equalTo(100.09f));
        }
        assertThat(published(id, 4)).containsExactly("order.placed", "order.paid", "order.refunded", "order.refunded");
    }

    @Test
    void anOldOrderLandsInTheMonthPartitionOfItsTime() throws Exception {
        // A month no earlier run is likely to have used, so its partition is usually made by this very request.
        java.time.YearMonth month = java.time.YearMonth.of(1900, 1).plusMonths(new java.util.Random().nextInt(1200));
        String id = "O-" + UUID.randomUUID();
        as("demo-manager").body(order(id, month.atDay(14) + "T08:00:00Z")).post("/v1/orders").then().statusCode(201);

        String suffix = String.format("_p%04d%02d", month.getYear(), month.getMonthValue());
        assertThat(query("SELECT min(p.relname) FROM orders.orders o JOIN pg_class p ON p.oid = o.tableoid"
                + " WHERE o.order_id = ?", id)).isEqualTo("orders" + suffix);
        assertThat(query("SELECT min(p.relname) FROM orders.order_lines l JOIN pg_class p ON p.oid = l.tableoid"
                + " WHERE l.order_id = ?", id)).isEqualTo("order_lines" + suffix);
    }

    @Test
    void badOrdersAre400NamingEachField() {
        Map<String, Object> bad = Map.of("order_id", "O-bad", "placed_at", "2026-11-02T09:30:00Z", "currency", "EURO",
                "lines", List.of(Map.of("sku", "A", "quantity", 0, "unit_price", 1)));

        as("demo-manager").body(bad).post("/v1/orders").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("currency")).body("errors.field", hasItem("lines[0].quantity"));

        Map<String, Object> tooPrecise = Map.of("order_id", "O-bad", "placed_at", "2026-11-02T09:30:00Z", "currency",
                "EUR", "lines", List.of(Map.of("sku", "A", "quantity", 1, "unit_price", 1.23456)));
        as("demo-manager").body(tooPrecise).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("lines[0].unit_price"));

        Map<String, Object> misspelt = new java.util.HashMap<>(order("O-bad", "2026-11-02T09:30:00Z"));
        misspelt.put("tax_total", 19);
        as("demo-manager").body(misspelt).post("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("tax_total"));
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        // Imports may stream gigabytes; every other path keeps the 10 MiB limit and answers at once.
        List<String> response = io.shoppulse.common.testing.RawHttp.postHeadersOnly(io.restassured.RestAssured.port,
                "/v1/orders", "application/json", 104_857_600);
        assertThat(response.get(0)).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        assertThat(String.join("\n", response)).contains("\"field\":\"body\"");
    }

    @Test
    void rolesAndTenantsAreEnforced() {
        String id = "O-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then()
                .statusCode(401);
        as("demo-viewer").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(403);
        as("demo-admin").body(order(id, "2026-11-02T09:30:00Z")).post("/v1/orders").then().statusCode(201);

        as("demo-viewer").get("/v1/orders/" + id).then().statusCode(200);
        as("other-admin").get("/v1/orders/" + id).then().statusCode(404);
    }

    @Test
    void listingPagesNewestFirstWithACursor() {
        // A window of its own in the past, so orders of other runs are not in it.
        java.time.Instant start = java.time.Instant.parse("2024-01-01T00:00:00Z")
                .plusSeconds(new java.util.Random().nextInt(300 * 24) * 3600L);
        for (int hour = 0; hour < 3; hour++) {
            as("demo-manager").body(order("O-" + UUID.randomUUID(), start.plusSeconds(hour * 3600L).toString()))
                    .post("/v1/orders").then().statusCode(201);
        }
        String from = start.toString();
        String to = start.plusSeconds(3 * 3600L).toString();

        var first = as("demo-analyst").queryParam("from", from).queryParam("to", to).queryParam("limit", 2)
                .get("/v1/orders").then().statusCode(200).extract().jsonPath();
        var second = as("demo-analyst").queryParam("from", from).queryParam("to", to).queryParam("limit", 2)
                .queryParam("cursor", first.getString("next_cursor")).get("/v1/orders").then().statusCode(200)
                .extract().jsonPath();

        assertThat(first.getList("items.placed_at", String.class)).containsExactly(
                start.plusSeconds(7200).toString(), start.plusSeconds(3600).toString());
        assertThat(second.getList("items.placed_at", String.class)).containsExactly(start.toString());
        assertThat(second.getString("next_cursor")).isNull();
        as("demo-analyst").queryParam("cursor", "not-a-cursor").get("/v1/orders").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    private static Map<String, Object> order(String id, String placedAt) {
        return Map.of("order_id", id, "placed_at", placedAt, "currency", "EUR", "country", "DE", "lines",
                List.of(Map.of("sku", "SKU-1", "name", "Runner", "quantity", 3, "unit_price", 33.33, "discount", 10),
                        Map.of("sku", "SKU-2", "quantity", 1, "unit_price", 10.10)));
    }

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.of(user)).contentType(ContentType.JSON);
    }

    /** The order's events on Kafka shop.orders.v1, in the order the relay sent them (keyed by tenant:order). */
    private static List<String> published(String orderId, int count) {
        return orderEvents.await(m -> m.key().endsWith(":" + orderId), count).stream()
                .map(m -> m.value().path("type").asText()).toList();
    }

    private static String query(String sql, String orderId) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":" + Platform.pgPort() + "/"
                + Platform.pgDatabase(), "shoppulse_orders", Platform.get("SHOPPULSE_DB_PASSWORD_ORDERS", ""));
    }
}
