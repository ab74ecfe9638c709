package io.shoppulse.outbox;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one round of outbox rows to Kafka and answers which ids Kafka acknowledged, all or nothing. The record key
 * is {@code tenant:aggregate}, so one aggregate's events share a partition; the idempotent producer keeps them in
 * the order they were sent even when it retries.
 */
@ApplicationScoped
public class OutboxPublisher {

    private final OutboxConfig config;
    private final KafkaProducer<String, String> producer;

    public OutboxPublisher(OutboxConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.config = config;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-outbox");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long timeout = config.sendTimeout().toMillis();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout - 10, 5000)));
        props.putAll(config.producer());
        // Not overridable: a row is deleted only once every in-sync replica has its event.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /**
     * Sends the rows (as read by the relay: id, tenant_id, aggregate_id, event_id, event_type, payload) and returns
     * their ids once Kafka has acknowledged every one; throws if any was not, so that none is deleted.
     */
    public List<Long> send(List<Map<String, Object>> rows) throws InterruptedException, ExecutionException,
            TimeoutException {
        String topic = config.topic().orElseThrow();
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        List<Long> ids = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic,
                    row.get("tenant_id") + ":" + row.get("aggregate_id"), (String) row.get("payload"));
            record.headers().add("event_id", bytes(row.get("event_id")));
            record.headers().add("event_type", bytes(row.get("event_type")));
            record.headers().add("tenant_id", bytes(row.get("tenant_id")));
            acks.add(producer.send(record));
            ids.add(((Number) row.get("id")).longValue());
        }
        producer.flush();
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        for (Future<RecordMetadata> ack : acks) {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return ids;
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    @PreDestroy
    void close() {
        producer.close(config.sendTimeout());
    }
}
