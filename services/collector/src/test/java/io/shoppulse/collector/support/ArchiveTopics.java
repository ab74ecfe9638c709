package io.shoppulse.collector.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.shoppulse.common.testing.Platform;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns the archive on for a test, over an events topic, a dead-letter topic and a consumer group of its own (made
 * here, deleted afterwards): the shared shop.events.v1 carries the demo's and other tests' events, and the real
 * collector-archive group is not the test's to move.
 */
public class ArchiveTopics implements QuarkusTestResourceLifecycleManager {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String events = "test.collector-archive." + run + ".events";
    private final String deadLetter = "test.collector-archive." + run + ".dlq";

    @Override
    public Map<String, String> start() {
        Platform.requireReachable("Kafka", Platform.kafkaBootstrap());
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(events, 3, (short) 1), new NewTopic(deadLetter, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the archive test's topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of("kafka.bootstrap.servers", Platform.kafkaBootstrap(),
                "shoppulse.collector.topics.events", events,
                "shoppulse.collector.topics.archive-dead-letter", deadLetter,
                "shoppulse.collector.archive.enabled", "true",
                "shoppulse.collector.archive.group-id", "collector-archive-test-" + run,
                "shoppulse.collector.archive.retry-backoff", "100ms",
                "shoppulse.collector.archive.max-retry-backoff", "400ms");
    }

    @Override
    public void stop() {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(events, deadLetter)).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of("collector-archive-test-" + run)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a leftover test topic is harmless; the next run makes its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.kafkaBootstrap()));
    }
}
