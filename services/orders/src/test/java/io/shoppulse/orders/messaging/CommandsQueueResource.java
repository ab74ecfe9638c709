package io.shoppulse.orders.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.shoppulse.common.testing.RabbitMqResource;

import java.util.Map;
import java.util.UUID;

/**
 * The real RabbitMQ, with an exchange and queues of the test run's own: an orders service running beside the tests
 * (./shoppulse up) consumes the shared ones. OrderCommandsTest deletes them afterwards.
 */
public class CommandsQueueResource implements QuarkusTestResourceLifecycleManager {

    static final String RUN = UUID.randomUUID().toString();
    public static final String EXCHANGE = "shop.commerce.test-" + RUN;
    public static final String QUEUE = "shoppulse.orders.commands.test-" + RUN;
    public static final String DEAD_LETTER_EXCHANGE = "shop.commerce.dlx.test-" + RUN;
    public static final String DEAD_LETTER_QUEUE = "shoppulse.orders.commands.dlq.test-" + RUN;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new java.util.HashMap<>(new RabbitMqResource().start());
        config.putAll(Map.of("shoppulse.orders.commands.exchange", EXCHANGE, "shoppulse.orders.commands.queue", QUEUE,
                "shoppulse.orders.commands.dead-letter-exchange", DEAD_LETTER_EXCHANGE,
                "shoppulse.orders.commands.dead-letter-queue", DEAD_LETTER_QUEUE,
                "shoppulse.orders.commands.retries", "2", "shoppulse.orders.commands.retry-delay", "200ms",
                "shoppulse.orders.commands.consumers", "1"));
        return config;
    }

    @Override
    public void stop() {
        // the test deletes its exchanges and queues; RabbitMQ itself is not the test's to stop
    }
}
