package io.shoppulse.collector.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.repository.EventBulkLoader;
import io.shoppulse.common.imports.CopyBuffer;
import io.shoppulse.common.jdbc.Transactions;
import io.shoppulse.common.jdbc.Transactions.StorageException;
import io.shoppulse.common.partition.PartitionMaintainer;
import io.shoppulse.contract.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The archive: stores every live event of the events topic in the raw event store {@code collector.events}, origin
 * 'live', so that backfill and recompute read live and imported events alike. One consumer thread per replica, in
 * the consumer group {@code shoppulse.collector.archive.group-id}; the replicas share the topic's partitions.
 * <p>
 * At least once, stored once: a polled batch is loaded in one transaction (COPY, then an INSERT that skips events
 * the tenant already has), records that cannot be stored go to the archive's dead-letter topic, and only then are
 * the batch's offsets committed. A batch that fails for any other reason (PostgreSQL or Kafka down) is retried, the
 * same records, with a doubling back-off, and nothing after it is read meanwhile; records delivered again after a
 * crash or a rebalance find their events stored and change nothing.
 */
@ApplicationScoped
public class EventArchive {

    private static final Logger LOG = Logger.getLogger(EventArchive.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration JOIN = Duration.ofSeconds(30);
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private final CollectorConfig config;
    private final CollectorConfig.Archive settings;
    private final Transactions transactions;
    private final EventBulkLoader loader;
    private final EventPublisher publisher;
    private final PartitionMaintainer partitions;
    private final ObjectMapper json;
    private final String bootstrapServers;
    private final Counter archived;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter retries;

    /** Days whose partition is known to exist; only the consumer thread reads and writes it. */
    private final Set<Long> knownDays = new HashSet<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile int failures;
    private volatile String lastError;

    public EventArchive(CollectorConfig config, DataSource dataSource, Transactions transactions,
            EventBulkLoader loader, EventPublisher publisher, ObjectMapper json, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.settings = config.archive();
        this.transactions = transactions;
        this.loader = loader;
        this.publisher = publisher;
        this.partitions = new PartitionMaintainer(dataSource, Clock.systemUTC());
        this.json = json;
        this.bootstrapServers = bootstrapServers;
        this.archived = records(registry, "archived");
        this.duplicates = records(registry, "duplicate");
        this.deadLettered = records(registry, "dead_lettered");
        this.retries = Counter.builder("shoppulse.collector.archive.retries")
                .description("Batches the archive had to try again (database or Kafka unavailable)")
                .register(registry);
    }

    private static Counter records(MeterRegistry registry, String outcome) {
        return Counter.builder("shoppulse.collector.archive.records").tag("outcome", outcome).register(registry);
    }

    void start(@Observes StartupEvent start) {
        if (!settings.enabled()) {
            LOG.info("The event archive is disabled (shoppulse.collector.archive.enabled=false)");
            return;
        }
        if (settings.batchSize() < 1) {
            throw new IllegalArgumentException("shoppulse.collector.archive.batch-size must be at least 1, got "
                    + settings.batchSize());
        }
        Thread t = new Thread(this::run, "collector-archive");
        thread = t;
        t.start();
    }

    /** Lets the batch in progress finish (its offsets are committed only if it was stored), then leaves the group. */
    void stop(@Observes ShutdownEvent stop) throws InterruptedException {
        stopping.countDown();
        Thread t = thread;
        if (t != null) {
            t.join(JOIN.toMillis());
        }
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** False once the consumer thread has ended without being asked to (it retries every failure it can). */
    public boolean running() {
        Thread t = thread;
        return t != null && (t.isAlive() || isStopping());
    }

    /** Batches failed in a row, 0 while the archive keeps up. */
    public int consecutiveFailures() {
        return failures;
    }

    public String lastError() {
        return lastError;
    }

    private boolean isStopping() {
        return stopping.getCount() == 0;
    }

    private void run() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "collector-archive");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putAll(settings.consumer());
        // Not overridable: offsets are committed by the archive, after the batch is stored.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.batchSize()));
        String topic = config.topics().events();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            LOG.infof("Archiving %s into %s as consumer group %s", topic, DayPartitions.TABLE, settings.groupId());
            while (!isStopping()) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (KafkaException e) {
                    failed("Reading " + topic, e);
                    pause(settings.retryBackoff());
                    continue;
                }
                if (records.isEmpty()) {
                    failures = 0; // Kafka answers again
                    lastError = null;
                } else if (storeUntilDone(records)) {
                    commit(consumer, records);
                }
            }
        } catch (RuntimeException | Error e) {
            lastError = e.toString();
            LOG.errorf(e, "The event archive stopped");
            throw e;
        }
    }

    /** Stores the batch, trying again after each failure; false if the service stops first. */
    private boolean storeUntilDone(ConsumerRecords<String, byte[]> records) {
        Duration backoff = settings.retryBackoff();
        while (true) {
            try {
                store(records);
                failures = 0;
                lastError = null;
                return true;
            } catch (RuntimeException e) {
                retries.increment();
                failed("Archiving a batch of " + records.count() + " records", e);
                if (!pause(backoff)) {
                    return false; // not committed: the batch is read again after the restart
                }
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(settings.maxRetryBackoff()) > 0) {
                    backoff = settings.maxRetryBackoff();
                }
            }
        }
    }

    private void failed(String what, RuntimeException e) {
        failures++;
        lastError = e.toString();
        LOG.warnf("%s failed (%d in a row), trying again: %s", what, failures, e);
    }

    /** Waits, unless the service stops first; true if it did not. */
    private boolean pause(Duration time) {
        try {
            return !stopping.await(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Commits what was stored. A failure only means those records come again, and change nothing then. */
    private void commit(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> of = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            LOG.warnf("Could not commit the archive's offsets (the stored records will be read again): %s", e);
        }
    }

    /** One event as stored: the columns, and the record's bytes as the payload. */
    private record Row(ConsumerRecord<String, byte[]> record, UUID tenant, UUID eventId, Instant occurredAt,
            Instant receivedAt, String type, String session, String anonymous, String user, UUID source) {
    }

    private record DeadLetter(ConsumerRecord<String, byte[]> record, String reason) {
    }

    /** A record refused before it reaches the database. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The whole batch: parse, partitions, load, dead letters. Throws when it must be tried again. */
    private void store(ConsumerRecords<String, byte[]> records) {
        Map<String, Row> rows = new LinkedHashMap<>(); // by tenant and event id: the first of a batch wins
        List<DeadLetter> dead = new ArrayList<>();
        long repeated = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                Row row = parse(record);
                if (rows.putIfAbsent(row.tenant() + ":" + row.eventId(), row) != null) {
                    repeated++;
                }
            } catch (Refused e) {
                dead.add(new DeadLetter(record, e.getMessage()));
            }
        }
        ensurePartitions(rows.values());
        long refusedByDatabase = dead.size();
        long inserted = load(new ArrayList<>(rows.values()), dead);
        refusedByDatabase = dead.size() - refusedByDatabase;
        deadLetter(dead);
        archived.increment(inserted);
        duplicates.increment(repeated + rows.size() - refusedByDatabase - inserted);
        deadLettered.increment(dead.size());
    }

    private Row parse(ConsumerRecord<String, byte[]> record) throws Refused {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            throw new Refused("empty record");
        }
        Map<String, String> fields = new HashMap<>();
        List<String> reasons = new ArrayList<>();
        try (JsonParser parser = json.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Refused("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (!isColumn(name)) {
                    parser.skipChildren();
                } else if (token == JsonToken.VALUE_STRING) {
                    fields.put(name, parser.getText());
                } else if (token != JsonToken.VALUE_NULL) {
                    reasons.add(name + ": must be a string");
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new Refused("not valid JSON: unexpected content after the event");
            }
        } catch (JsonProcessingException e) {
            throw new Refused("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refused("not valid JSON: " + e.getMessage());
        }
        UUID tenant = uuid(fields, "tenant_id", true, reasons);
        UUID eventId = uuid(fields, "event_id", true, reasons);
        Instant occurredAt = time(fields, "occurred_at", reasons);
        Instant receivedAt = time(fields, "received_at", reasons);
        String type = text(fields, "type", true, reasons);
        String session = text(fields, "session_id", true, reasons);
        String anonymous = text(fields, "anonymous_id", true, reasons);
        String user = text(fields, "user_id", false, reasons);
        UUID source = uuid(fields, "source_id", false, reasons);
        if (!reasons.isEmpty()) {
            throw new Refused(String.join("; ", reasons));
        }
        return new Row(record, tenant, eventId, occurredAt, receivedAt, type, session, anonymous, user, source);
    }

    private static boolean isColumn(String field) {
        return switch (field) {
            case "tenant_id", "event_id", "occurred_at", "received_at", "type", "session_id", "anonymous_id",
                    "user_id", "source_id" ->
                true;
            default -> false;
        };
    }

    private static String text(Map<String, String> fields, String name, boolean required, List<String> reasons) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            if (required && !reasons.contains(name + ": must be a string")) {
                reasons.add(name + ": is required");
            }
            return null;
        }
        return value;
    }

    private static UUID uuid(Map<String, String> fields, String name, boolean required, List<String> reasons) {
        String value = text(fields, name, required, reasons);
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        reasons.add(name + ": '" + value + "' is not a UUID");
        return null;
    }

    private static Instant time(Map<String, String> fields, String name, List<String> reasons) {
        String value = text(fields, name, true, reasons);
        if (value == null) {
            return null;
        }
        Instant at = Timestamps.parse(value);
        if (at == null) {
            reasons.add(name + ": '" + value + "' is not an RFC 3339 date-time");
        } else if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
            // Day partitions are named by a four-digit year, and PostgreSQL's timestamps end in the year 294276.
            reasons.add(name + ": " + at + " is outside the years 1 to 9999");
            return null;
        }
        return at;
    }

    /** Late and old events need their day's partition; live ones find it made ahead by the maintenance job. */
    private void ensurePartitions(Iterable<Row> rows) {
        Set<Long> missing = new HashSet<>();
        for (Row row : rows) {
            long day = DayPartitions.dayOf(row.occurredAt());
            if (!knownDays.contains(day)) {
                missing.add(day);
            }
        }
        DayPartitions.ensure(partitions, missing);
        knownDays.addAll(missing);
    }

    /**
     * Loads the rows in one transaction; returns how many were new. When PostgreSQL refuses the data of some row
     * (a NUL character, a time out of its range), the rows are loaded one by one and the refused ones are added to
     * {@code dead}. Any other failure is thrown, for the whole batch to be tried again.
     */
    private long load(List<Row> rows, List<DeadLetter> dead) {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            return loadInOneTransaction(rows);
        } catch (StorageException e) {
            if (!refusesData(e)) {
                throw e;
            }
            LOG.warnf("PostgreSQL refused a row of a batch, loading it row by row: %s", e.getMessage());
        }
        long inserted = 0;
        for (Row row : rows) {
            try {
                inserted += loadInOneTransaction(List.of(row));
            } catch (StorageException e) {
                if (!refusesData(e)) {
                    throw e;
                }
                dead.add(new DeadLetter(row.record(), "refused by PostgreSQL: " + e.getMessage()));
            }
        }
        return inserted;
    }

    private long loadInOneTransaction(List<Row> rows) {
        CopyBuffer buffer = new CopyBuffer(rows.size() * 1024);
        for (Row row : rows) {
            byte[] payload = row.record().value();
            buffer.text(row.tenant().toString()).text(row.eventId().toString()).text(row.occurredAt().toString())
                    .text(row.type()).text(row.session()).text(row.anonymous()).text(row.user())
                    .text(row.source() == null ? null : row.source().toString()).text(row.receivedAt().toString())
                    .utf8(payload, 0, payload.length).endRow();
        }
        try {
            return transactions.inTransaction(c -> {
                loader.prepareLive(c);
                return loader.loadLive(c, buffer, settings.duplicateWindow());
            });
        } catch (StorageException e) {
            if (e.isMissingPartition()) {
                knownDays.clear(); // dropped since it was seen (retention): the next try makes it again
            }
            throw e;
        }
    }

    /** Data exceptions (class 22) and constraint violations (23) other than a missing partition: the row's fault. */
    private static boolean refusesData(StorageException e) {
        String state = e.sqlState();
        return state != null && (state.startsWith("22") || state.startsWith("23")) && !e.isMissingPartition();
    }

    /** Sends the dead letters and waits until Kafka has them all; the batch's offsets are committed only then. */
    private void deadLetter(List<DeadLetter> dead) {
        if (dead.isEmpty()) {
            return;
        }
        String topic = config.topics().archiveDeadLetter();
        EventPublisher.Acks acks = publisher.acks(dead.size());
        for (DeadLetter letter : dead) {
            ConsumerRecord<String, byte[]> record = letter.record();
            ObjectNode value = json.createObjectNode();
            value.put("reason", letter.reason());
            value.put("topic", record.topic());
            value.put("partition", record.partition());
            value.put("offset", record.offset());
            value.put("key", record.key());
            value.put("record", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
            try {
                publisher.send(topic, record.key(), json.writeValueAsBytes(value), acks);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            LOG.warnf("Dead-lettered %s-%d@%d to %s: %s", record.topic(), record.partition(), record.offset(), topic,
                    letter.reason());
        }
        try {
            acks.done().get(config.kafkaAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the dead letters on " + topic + ": "
                    + (e.getCause() != null ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        }
    }
}
