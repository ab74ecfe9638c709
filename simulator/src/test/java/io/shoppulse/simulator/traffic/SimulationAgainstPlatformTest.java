package io.shoppulse.simulator.traffic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.shoppulse.common.testing.CollectorResource;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.RabbitMqResource;
import io.shoppulse.simulator.client.CollectorClient;
import io.shoppulse.simulator.client.OrderPublisher;
import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.shop.Shop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulator against the real collector (started from its jar by CollectorResource, with a fresh source of the
 * demo tenant) and the real RabbitMQ: a queue of this test's own, bound to shop.commerce order.#, receives the
 * orders. Every purchase event the collector accepted must have exactly one order.placed with the same id, currency
 * and total, and the collector must have accepted every event.
 */
class SimulationAgainstPlatformTest {

    private static final CollectorResource COLLECTOR = new CollectorResource();
    private static Map<String, String> collector;
    private static Connection connection;
    private static Channel channel;
    private static String queue;
    /** order.placed bodies by order id, and how many arrived for each. */
    private static final Map<String, JsonNode> placed = new ConcurrentHashMap<>();
    private static final Map<String, Integer> placedCount = new ConcurrentHashMap<>();
    private static final Map<String, String> tenantOf = new ConcurrentHashMap<>();
    private static final List<String> badProperties = new CopyOnWriteArrayList<>();
    /** Money read as exact decimals, as the orders service reads it. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @BeforeAll
    static void platform() throws Exception {
        collector = COLLECTOR.start();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(RabbitMqResource.rabbitHost());
        factory.setPort(RabbitMqResource.rabbitPort());
        factory.setVirtualHost(RabbitMqResource.vhost());
        factory.setUsername(RabbitMqResource.user());
        factory.setPassword(RabbitMqResource.password());
        connection = factory.newConnection("simulator-test");
        channel = connection.createChannel();
        channel.exchangeDeclare("shop.commerce", "topic", true);
        queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, "shop.commerce", "order.#");
        channel.basicConsume(queue, true, (tag, delivery) -> {
            if (!"order.placed".equals(delivery.getEnvelope().getRoutingKey())) {
                return;
            }
            JsonNode body = EXACT.readTree(delivery.getBody());
            String id = body.path("order_id").asText();
            placed.put(id, body);
            placedCount.merge(id, 1, Integer::sum);
            Object tenant = delivery.getProperties().getHeaders().get(OrderPublisher.TENANT_HEADER);
            tenantOf.put(id, String.valueOf(tenant));
            var p = delivery.getProperties();
            if (p.getDeliveryMode() != 2 || !"application/json".equals(p.getContentType())
                    || p.getMessageId() == null || p.getMessageId().isBlank()) {
                badProperties.add(id + ": " + p);
            }
        }, tag -> {
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        COLLECTOR.stop();
    }

    @Test
    void everyAcceptedPurchaseHasExactlyOneMatchingOrder() throws Exception {
        String tenantId = Platform.require("SHOPPULSE_DEMO_TENANT_ID");
        TenantSpec tenant = new TenantSpec(tenantId, collector.get("shoppulse.routes.write-key"));
        Stats stats = new Stats();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        OrderPublisher publisher = new OrderPublisher(RabbitMqResource.rabbitHost(), RabbitMqResource.rabbitPort(),
                RabbitMqResource.vhost(), RabbitMqResource.user(), RabbitMqResource.password(), "shop.commerce",
                stats);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Quick sessions (a fifth of a second between pages) at 40 sessions/s: ~1,000 sessions in 25 s.
        Simulation simulation = new Simulation(List.of(new Shop(tenant, 1, 240)),
                new Simulation.Settings(40, false, 20), new SessionPlanner(Duration.ofMillis(200)),
                new OrderLifecycle(1440), new CollectorClient(collector.get("shoppulse.collector.url"), http,
                        Clock.systemUTC()),
                publisher, stats, Clock.systemUTC(), scheduler, 20261201L);
        List<Event> purchases = new CopyOnWriteArrayList<>();
        simulation.onAccepted((shop, events) -> events.stream().filter(e -> e.type().equals("purchase"))
                .forEach(purchases::add));
        publisher.start();
        simulation.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> purchases.size() >= 10);
            simulation.stopArrivals();
            await().atMost(Duration.ofSeconds(60)).until(() -> simulation.active() == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> purchases.stream()
                    .allMatch(p -> placed.containsKey(p.transactionId())));
        } finally {
            simulation.stopArrivals();
            publisher.close();
            scheduler.shutdownNow();
        }
        assertThat(badProperties).as("messages without persistence, content type or message id").isEmpty();
        assertThat(stats.eventsSent.sum()).isGreaterThan(1000);
        assertThat(stats.eventsRejected.sum()).as("events the collector rejected").isZero();
        assertThat(stats.eventsDropped.sum()).isZero();
        assertThat(stats.eventsAccepted.sum()).isEqualTo(stats.eventsSent.sum());
        assertThat(stats.purchaseEventsAccepted.sum()).isEqualTo(purchases.size());
        assertThat(stats.purchasesMatched.sum()).isEqualTo(purchases.size());
        for (Event purchase : purchases) {
            String id = purchase.transactionId();
            assertThat(placedCount.get(id)).as("order.placed messages for %s", id).isEqualTo(1);
            assertThat(tenantOf.get(id)).isEqualTo(tenantId);
            JsonNode order = placed.get(id);
            assertThat(order.path("currency").asText()).isEqualTo(purchase.currency());
            assertThat(order.path("session_id").asText()).isEqualTo(purchase.sessionId());
            assertThat(order.path("anonymous_id").asText()).isEqualTo(purchase.anonymousId());
            BigDecimal total = order.path("tax").decimalValue().add(order.path("shipping").decimalValue());
            for (JsonNode line : order.path("lines")) {
                total = total.add(line.path("unit_price").decimalValue()
                        .multiply(BigDecimal.valueOf(line.path("quantity").asInt())))
                        .subtract(line.path("discount").decimalValue());
            }
            assertThat(purchase.value()).as("purchase value of %s", id).isEqualByComparingTo(total);
            assertThat(order.path("lines")).hasSameSizeAs(purchase.items());
        }
    }
}
