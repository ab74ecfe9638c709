package io.shoppulse.orders.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.orders.OrdersServers;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.RabbitMqResource;
import io.shoppulse.common.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Order commands over the real RabbitMQ into the real PostgreSQL: applied once however often they are delivered,
 * retried when they overtake their order, and dead-lettered with the reason when they can never apply.
 */
@QuarkusTest
@OrdersServers
class OrderCommandsTest {

    private static final String TENANT = Platform.require("SHOPPULSE_DEMO_TENANT_ID");
    private static CachingConnectionFactory connections;
    private static RabbitTemplate rabbit;
    private static final List<Message> deadLetters = new ArrayList<>();

    @BeforeAll
    static void connect() {
        connections = new CachingConnectionFactory(RabbitMqResource.rabbitHost(), RabbitMqResource.rabbitPort());
        connections.setVirtualHost(RabbitMqResource.vhost());
        connections.setUsername(RabbitMqResource.user());
        connections.setPassword(RabbitMqResource.password());
        rabbit = new RabbitTemplate(connections);
    }

    @AfterAll
    static void cleanUp() {
        RabbitAdmin admin = new RabbitAdmin(connections);
        admin.deleteQueue(CommandsQueueResource.QUEUE);
        admin.deleteQueue(CommandsQueueResource.DEAD_LETTER_QUEUE);
        admin.deleteExchange(CommandsQueueResource.EXCHANGE);
        admin.deleteExchange(CommandsQueueResource.DEAD_LETTER_EXCHANGE);
        connections.destroy();
    }

    @Test
    void aRedeliveredCommandChangesNothing() {
        String id = "R-" + UUID.randomUUID();
        for (int delivery = 0; delivery < 2; delivery++) {
            publish("order.placed", "m-place-" + id, TENANT, placed(id));
            publish("order.paid", "m-pay-" + id, TENANT, "{\"order_id\": \"" + id + "\"}");
            publish("order.refunded", "m-refund-" + id, TENANT, """
                    {"order_id": "%s", "refund_id": "RF-1", "lines": [{"sku": "SKU-1", "quantity": 1}]}
                    """.formatted(id));
        }
        // Shipping comes last: the test runs one consumer, so once it is applied every earlier delivery has been too.
        publish("order.shipped", "m-ship-" + id, TENANT,
                "{\"order_id\": \"" + id + "\", \"at\": \"2026-11-03T08:00:00Z\"}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(id)).isEqualTo("shipped"));
        var order = order(id);
        assertThat(order.getInt("version")).isEqualTo(4); // placed, paid, refunded, shipped: each once
        assertThat(order.getFloat("refunded")).isEqualTo(30.0f);
        assertThat(order.getString("shipped_at")).isEqualTo("2026-11-03T08:00:00Z");
        assertThat(queueDepth(CommandsQueueResource.QUEUE)).isZero();
    }

    @Test
    void aCommandThatOvertookItsOrderIsAppliedOnceTheOrderArrives() {
        String id = "R-" + UUID.randomUUID();
        publish("order.paid", "m-pay-" + id, TENANT, "{\"order_id\": \"" + id + "\"}");
        publish("order.placed", "m-place-" + id, TENANT, placed(id));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(id)).isEqualTo("paid"));
    }

    @Test
    void commandsThatCanNeverApplyAreDeadLetteredWithTheReason() {
        String marker = UUID.randomUUID().toString();
        publish("order.placed", "m-json-" + marker, TENANT, "not json " + marker);
        publish("order.placed", "m-tenant-" + marker, null, placed("R-" + marker));
        publish("order.placed", "m-invalid-" + marker, TENANT,
                placed("R-" + marker).replace("\"EUR\"", "\"EURO\""));
        publish("order.exploded", "m-key-" + marker, TENANT, placed("R-" + marker));
        publish("order.delivered", "m-missing-" + marker, TENANT, "{\"order_id\": \"never-" + marker + "\"}");

        assertThat(deadLetter("m-json-" + marker)).startsWith("rejected: not a valid message body");
        assertThat(deadLetter("m-tenant-" + marker)).contains("x-shoppulse-tenant header is missing");
        assertThat(deadLetter("m-invalid-" + marker)).startsWith("rejected: 400").contains("currency");
        assertThat(deadLetter("m-key-" + marker)).contains("unknown routing key order.exploded");
        assertThat(deadLetter("m-missing-" + marker)).startsWith("not applicable after 2 retries: 404");
        // None of them was applied: the order id of the refused commands is unknown to the service.
        given().auth().oauth2(Tokens.of("demo-manager")).get("/v1/orders/R-" + marker).then().statusCode(404);
    }

    @Test
    void theCommandsQueueIsDurableSoQueuedCommandsOutliveABrokerRestart() {
        // Declaring it again as durable with its arguments succeeds only if that is what it is (else
        // PRECONDITION_FAILED closes the channel).
        rabbit.execute(channel -> channel.queueDeclare(CommandsQueueResource.QUEUE, true, false, false,
                java.util.Map.of("x-dead-letter-exchange", CommandsQueueResource.DEAD_LETTER_EXCHANGE,
                        "x-dead-letter-routing-key", OrderCommandsRoute.DEAD_LETTER_KEY)));
    }

    /** The reason of the dead-lettered message with this message id; its body is the original, unchanged. */
    private static String deadLetter(String messageId) {
        Message found = await().atMost(Duration.ofSeconds(20)).until(() -> {
            Message next;
            while ((next = rabbit.receive(CommandsQueueResource.DEAD_LETTER_QUEUE, 200)) != null) {
                deadLetters.add(next);
            }
            return deadLetters.stream().filter(m -> messageId.equals(m.getMessageProperties().getMessageId()))
                    .findFirst().orElse(null);
        }, m -> m != null);
        assertThat(found.getMessageProperties().<String>getHeader("x-shoppulse-routing-key")).startsWith("order.");
        return found.getMessageProperties().getHeader("x-shoppulse-reason");
    }

    private static void publish(String routingKey, String messageId, String tenant, String body) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(messageId);
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        if (tenant != null) {
            properties.setHeader(OrderCommands.TENANT_HEADER, tenant);
        }
        rabbit.send(CommandsQueueResource.EXCHANGE, routingKey,
                new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private static String placed(String id) {
        return """
                {"order_id": "%s", "placed_at": "2026-11-02T09:30:00Z", "currency": "EUR", "country": "DE",
                 "session_id": "s-1", "lines": [{"sku": "SKU-1", "name": "Runner", "quantity": 3, "unit_price": 33.33,
                 "discount": 10}, {"sku": "SKU-2", "quantity": 1, "unit_price": 10.10}]}
                """.formatted(id);
    }

    private static String status(String id) {
        var response = given().auth().oauth2(Tokens.of("demo-manager")).get("/v1/orders/" + id);
        return response.statusCode() == 200 ? response.jsonPath().getString("status") : "absent";
    }

    private static io.restassured.path.json.JsonPath order(String id) {
        return given().auth().oauth2(Tokens.of("demo-manager")).get("/v1/orders/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    private static int queueDepth(String queue) {
        return new RabbitAdmin(connections).getQueueInfo(queue).getMessageCount();
    }
}
