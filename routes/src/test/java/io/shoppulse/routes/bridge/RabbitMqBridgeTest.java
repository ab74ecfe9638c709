package io.shoppulse.routes.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.shoppulse.common.testing.RabbitMqResource;
import io.shoppulse.common.testing.TopicReader;
import io.shoppulse.routes.BridgeQueueResource;
import io.shoppulse.routes.RoutesServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.shoppulse.common.testing.CollectorResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A shop backend's RabbitMQ messages through the bridge route into the real Kafka, or to the dead-letter queue. */
@QuarkusTest
@RoutesServers
class RabbitMqBridgeTest {

    private static CachingConnectionFactory connections;
    private static RabbitTemplate rabbit;

    @BeforeAll
    static void connect() {
        connections = new CachingConnectionFactory(RabbitMqResource.rabbitHost(), RabbitMqResource.rabbitPort());
        connections.setVirtualHost(RabbitMqResource.vhost());
        connections.setUsername(RabbitMqResource.user());
        connections.setPassword(RabbitMqResource.password());
        rabbit = new RabbitTemplate(connections);
    }

    @AfterAll
    static void disconnect() {
        new org.springframework.amqp.rabbit.core.RabbitAdmin(connections).deleteQueue(BridgeQueueResource.QUEUE);
        connections.destroy();
    }

    @Test
    void aValidEventReachesKafkaThroughTheCollector() {
        String session = "s-" + UUID.randomUUID();
        String event = """
                {"event_id": "%s", "type": "purchase", "timestamp": "%s", "anonymous_id": "a1", "session_id": "%s",
                 "transaction_id": "ORD-77", "value": 30.5, "currency": "GBP", "items": [{"item_id": "SKU-9", "price": 30.5, "quantity": 1}]}
                """
                .formatted(UUID.randomUUID(), Instant.now(), session);
        try (TopicReader events = new TopicReader("shop.events.v1")) {

            publish("event.purchase", event);

            String ownSource = ConfigProvider.getConfig().getValue(CollectorResource.SOURCE_ID, String.class);
            JsonNode stored = events.await(m -> session.equals(m.value().path("session_id").asText())
                    && ownSource.equals(m.value().path("source_id").asText()), 1).get(0).value();
            assertThat(stored.get("transaction_id").asText()).isEqualTo("ORD-77");
            assertThat(stored.get("tenant_id").asText()).isNotBlank();
        }
    }

    @Test
    void aMessageTheContractRefusesIsDeadLetteredWithTheReason() {
        String marker = "bad-" + UUID.randomUUID();
        String event = "{\"event_id\": \"" + marker + "\", \"type\": \"purchase\"}";

        publish("event.purchase", event);

        Message dead = awaitDeadLetter(marker);
        assertThat(dead.getMessageProperties().<String>getHeader("x-shoppulse-reason"))
                .contains("refused by the event contract").contains("event_id");
    }

    @Test
    void aMessageThatIsNotJsonIsDeadLetteredToo() {
        String marker = "not json " + UUID.randomUUID();

        publish("event.page_view", marker);

        // Refused at once, not after the retries for transient failures.
        assertThat(awaitDeadLetter(marker).getMessageProperties().<String>getHeader("x-shoppulse-reason"))
                .startsWith("refused by the collector (400)");
    }

    private static void publish(String routingKey, String body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        rabbit.send("shop.commerce", routingKey, new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    /** Reads the dead-letter queue until the message carrying the marker arrives (others are left for people). */
    private static Message awaitDeadLetter(String marker) {
        AtomicReference<Message> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message message = rabbit.receive("shoppulse.bridge.events.dlq", 500);
            if (message != null && new String(message.getBody(), StandardCharsets.UTF_8).contains(marker)) {
                found.set(message);
            }
            return found.get() != null;
        });
        return found.get();
    }
}
