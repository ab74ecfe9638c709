package io.shoppulse.routes;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/**
 * A bridge queue of the test run's own: a routes service running beside the tests (./shoppulse up) consumes the
 * shared queue, and would otherwise take the test's messages. RabbitMqBridgeTest deletes the queue afterwards.
 */
public class BridgeQueueResource implements QuarkusTestResourceLifecycleManager {

    public static final String QUEUE = "shoppulse.bridge.events.test-" + UUID.randomUUID();

    @Override
    public Map<String, String> start() {
        return Map.of("shoppulse.bridge.queue", QUEUE);
    }

    @Override
    public void stop() {
        // the test deletes the queue; RabbitMQ itself is not the test's to stop
    }
}
