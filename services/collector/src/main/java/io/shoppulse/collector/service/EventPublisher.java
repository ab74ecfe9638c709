package io.shoppulse.collector.service;

import io.shoppulse.collector.config.CollectorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The collector's one Kafka producer. Durable by construction: every record is acknowledged by all in-sync replicas
 * and the idempotent producer keeps retries from writing duplicates or reordering a session's events.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(CollectorConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "collector");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // send() runs on the event loop, so it must never wait: with no metadata for the topic (Kafka down) or a full
        // buffer, it fails at once and the client gets a 503 and retries, while the loop goes on serving others.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        Duration ack = config.kafkaAckTimeout();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ack.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(ack.toMillis() - 10, 5000)));
        props.putAll(config.producer());
        // Not overridable: a 202 promises the event is durably in Kafka.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Fetches the topics' metadata before the first request, which would otherwise be refused while it loads (sends
     * never wait). With Kafka down this gives up after a few seconds and goes on: readiness reports Kafka, requests
     * answer 503, and the producer keeps fetching the metadata in the background.
     */
    void warmUp(@Observes StartupEvent start, CollectorConfig config) throws InterruptedException {
        long deadline = System.nanoTime() + WARM_UP.toNanos();
        List<String> topics = new ArrayList<>(List.of(config.topics().events(), config.topics().deadLetter()));
        if (config.archive().enabled()) {
            topics.add(config.topics().archiveDeadLetter());
        }
        for (String topic : topics) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        LOG.warnf("No metadata for topic %s yet: %s", topic, e.getMessage());
                        return;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Acknowledgements for {@code records} records, complete when Kafka has acknowledged all of them. */
    public Acks acks(int records) {
        return new Acks(records);
    }

    public void send(String topic, String key, byte[] value, Acks acks) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), acks);
        } catch (RuntimeException e) {
            acks.onCompletion(null, e); // e.g. metadata not available within max.block.ms
        }
    }

    /** One callback shared by a request's records: the request needs all of them, not each one. */
    public static final class Acks implements Callback {
        private final AtomicInteger pending;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Acks(int records) {
            this.pending = new AtomicInteger(records);
            if (records == 0) {
                done.complete(null);
            }
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error != null) {
                done.completeExceptionally(error);
            } else if (pending.decrementAndGet() == 0) {
                done.complete(null);
            }
        }

        public CompletableFuture<Void> done() {
            return done;
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
