package io.shoppulse.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.specification.RequestSpecification;
import io.shoppulse.analytics.live.LiveLane;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.Tokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * What the analytics tests share: records sent to the real Kafka topics the live lane reads, rows written where the
 * Spark jobs write them, and requests as a demo user.
 */
public final class Shop {

    public static final String EVENTS = "shop.events.v1";
    public static final String ORDERS = "shop.orders.v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    private Shop() {
    }

    public static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.of(user));
    }

    public static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.kafkaBootstrap(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    /** Sends a record and waits for the broker's acknowledgement. */
    public static void send(String topic, String key, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** An enriched event as the collector writes it to shop.events.v1. */
    public static String event(UUID tenant, String eventId, String sessionId, Instant occurredAt) {
        return "{\"event_id\":\"" + eventId + "\",\"type\":\"page_view\",\"tenant_id\":\"" + tenant
                + "\",\"source_id\":\"" + UUID.randomUUID() + "\",\"occurred_at\":\"" + occurredAt
                + "\",\"received_at\":\"" + occurredAt + "\",\"timestamp\":\"" + occurredAt
                + "\",\"anonymous_id\":\"a-" + sessionId + "\",\"session_id\":\"" + sessionId
                + "\",\"page\":{\"url\":\"https://shop.example.com/\"}}";
    }

    public static void sendEvent(UUID tenant, String sessionId, Instant occurredAt) {
        send(EVENTS, tenant + ":" + sessionId, event(tenant, UUID.randomUUID().toString(), sessionId, occurredAt));
    }

    /**
     * An order event as the orders outbox writes it to shop.orders.v1; {@code total} and {@code refunded} are
     * written as JSON numbers exactly as given.
     */
    public static String order(UUID tenant, String type, String orderId, String currency, String total,
            String refunded, Instant placedAt, Instant cancelledAt, String refund) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"tenant_id\":\"" + tenant
                + "\",\"occurred_at\":\"" + Instant.now() + "\"," + (refund == null ? "" : "\"refund\":" + refund + ",")
                + "\"order\":{\"order_id\":\"" + orderId + "\",\"placed_at\":\"" + placedAt + "\",\"status\":\""
                + type.substring(6) + "\",\"currency\":\"" + currency + "\",\"country\":\"DE\",\"total\":" + total
                + ",\"refunded\":" + refunded + ",\"cancelled_at\":" + (cancelledAt == null
                        ? "null"
                        : "\"" + cancelledAt + "\"")
                + ",\"version\":1,\"lines\":[]}}";
    }

    public static void sendOrder(UUID tenant, String orderId, String value) {
        send(ORDERS, tenant + ":" + orderId, value);
    }

    /**
     * Waits until the live lane has its partitions and reads new records: the group starts at the newest offsets,
     * so a record sent before that would be missed. Sends probe events of a tenant of its own until one counts.
     */
    public static void awaitLaneReading(LiveLane lane) {
        UUID probe = UUID.randomUUID();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            sendEvent(probe, "probe", Instant.now());
            return lane.view(probe).events() > 0;
        });
    }

    public static Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + Platform.pgHost() + ":" + Platform.pgPort() + "/"
                + Platform.pgDatabase() + "?currentSchema=analytics", AnalyticsDatabaseResource.USER,
                AnalyticsDatabaseResource.password());
    }

    /** Makes the partitions of a rollup that cover [from, to), as the Spark sink does. */
    public static void partitions(Connection c, String table, String granularity, Instant from, Instant to)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ensure_partitions(?, ?, ?, ?)")) {
            ps.setString(1, "analytics." + table);
            ps.setString(2, granularity);
            ps.setObject(3, from.atOffset(java.time.ZoneOffset.UTC));
            ps.setObject(4, to.atOffset(java.time.ZoneOffset.UTC));
            ps.execute();
        }
    }

    /** Runs an insert with the given values (tenant ids as UUID, instants as timestamptz). */
    public static void insert(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                Object v = values[i] instanceof Instant t ? t.atOffset(java.time.ZoneOffset.UTC) : values[i];
                ps.setObject(i + 1, v);
            }
            ps.executeUpdate();
        }
    }

    public static void deleteTenant(Connection c, UUID tenant, String... tables) throws SQLException {
        for (String table : tables) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                ps.executeUpdate();
            }
        }
    }

    /** A token of the services' own client: valid, but with none of the five realm roles. */
    public static String tokenWithoutRole() throws Exception {
        String form = "grant_type=client_credentials&client_id=shoppulse-services&client_secret="
                + URLEncoder.encode(Platform.require("SHOPPULSE_SERVICES_CLIENT_SECRET"), StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                Platform.keycloakRealmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a service token: " + response.body());
        }
        JsonNode body = JSON.readTree(response.body());
        return body.get("access_token").asText();
    }
}
