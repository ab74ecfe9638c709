package io.shoppulse.orders.outbox;

import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.orders.OrdersServers;
import io.restassured.http.ContentType;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;
import io.shoppulse.common.testing.TopicReader;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbox relay (services/outbox) in the orders service: only the lease holder sends, keyed by tenant:order. */
@QuarkusTest
@OrdersServers
class OutboxRelayTest {

    @Test
    void whileAnotherReplicaHoldsTheLeaseNothingIsSentThenItsEventsGoOutInOrder() throws Exception {
        String id = "L-" + UUID.randomUUID();
        try (TopicReader events = new TopicReader("shop.orders.v1")) {
            sql("UPDATE orders.outbox_lease SET holder = 'another-replica', expires_at = now() + interval '1 hour'");
            try {
                place(id);
                given().auth().oauth2(Tokens.of("demo-manager")).contentType(ContentType.JSON).body(Map.of())
                        .post("/v1/orders/" + id + "/payment").then().statusCode(200);

                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                        .until(() -> pending(id) == 2);
            } finally {
                sql("UPDATE orders.outbox_lease SET expires_at = now() - interval '1 second'");
            }

            List<TopicReader.Message> sent = events.await(m -> m.key().endsWith(":" + id), 2);
            assertThat(sent).extracting(m -> m.value().path("type").asText())
                    .containsExactly("order.placed", "order.paid");
            assertThat(sent).allSatisfy(m -> {
                assertThat(m.key()).isEqualTo(Platform.require("SHOPPULSE_DEMO_TENANT_ID") + ":" + id);
                assertThat(m.value().path("order").path("order_id").asText()).isEqualTo(id);
            });
            assertThat(sent.get(1).value().path("order").path("version").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> pending(id) == 0);
            assertThat(query("SELECT holder FROM orders.outbox_lease")).startsWith("orders@");
        }
    }

    @Test
    void theHolderRewritesItsLeaseOnlyOnceLessThanHalfOfItsTimeIsLeft() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> query("SELECT holder FROM orders.outbox_lease WHERE "
                + "expires_at > now()").startsWith("orders@"));
        String written = query("SELECT expires_at::text FROM orders.outbox_lease");
        // Rounds every 100 ms, and the lease (30 s) is not written again while more than half of it is left.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> written.equals(query("SELECT expires_at::text FROM orders.outbox_lease")));

        sql("UPDATE orders.outbox_lease SET expires_at = now() + interval '5 seconds'");
        await().atMost(Duration.ofSeconds(5)).until(() -> "true".equals(query(
                "SELECT (expires_at > now() + interval '20 seconds')::text FROM orders.outbox_lease")));
        assertThat(query("SELECT holder FROM orders.outbox_lease")).startsWith("orders@");
    }

    private static void place(String id) {
        given().auth().oauth2(Tokens.of("demo-manager")).contentType(ContentType.JSON)
                .body(Map.of("order_id", id, "placed_at", "2026-11-20T10:00:00Z", "currency", "EUR", "lines",
                        List.of(Map.of("sku", "SKU-1", "quantity", 1, "unit_price", 5))))
                .post("/v1/orders").then().statusCode(201);
    }

    private static int pending(String id) throws Exception {
        return Integer.parseInt(query("SELECT count(*) FROM orders.outbox WHERE aggregate_id = '" + id + "'"));
    }

    private static String query(String sql) throws Exception {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void sql(String sql) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":" + Platform.pgPort() + "/"
                + Platform.pgDatabase(), "shoppulse_orders", Platform.get("SHOPPULSE_DB_PASSWORD_ORDERS", ""));
    }
}
