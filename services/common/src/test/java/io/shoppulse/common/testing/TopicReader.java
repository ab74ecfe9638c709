package io.shoppulse.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Reads a topic of the real broker from the offsets it had when created, so a test sees only what it caused
 * (other tests and a running demo write to the same topics; tests filter by their own ids).
 */
public final class TopicReader implements AutoCloseable {

    /** A record: its key, its value parsed, and the value exactly as stored. */
    public record Message(String key, JsonNode value, String raw) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Message> seen = new ArrayList<>();

    public TopicReader(String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before the test writes
    }

    /** Waits until {@code count} messages match, and returns them; on time-out, says which did match. */
    public List<Message> await(Predicate<Message> match, int count) {
        List<Message> found = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(new Message(record.key(), parse(record.value()),
                            new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)));
                }
                found.clear();
                seen.stream().filter(match).forEach(found::add);
                return found.size() >= count;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Expected " + count + " matching records within 30 s, found " + found.size() + ": "
                    + found.stream().map(m -> m.value().path("type").asText()).toList(), e);
        }
        return found;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
