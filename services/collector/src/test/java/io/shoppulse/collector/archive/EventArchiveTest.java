package io.shoppulse.collector.archive;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.repository.EventBulkLoader;
import io.shoppulse.collector.rest.EventsResource;
import io.shoppulse.collector.support.ArchiveTopics;
import io.shoppulse.collector.support.Events;
import io.shoppulse.collector.support.Servers;
import io.shoppulse.collector.support.Sources;
import io.shoppulse.common.imports.CopyBuffer;
import io.shoppulse.common.testing.Platform;
import io.shoppulse.common.testing.TopicReader;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive against the real Kafka and PostgreSQL: records of an events topic of the test's own (see
 * {@link ArchiveTopics}) land once each in collector.events with origin 'live', whatever Kafka redelivers; old days
 * get their partition; records that cannot be stored are dead-lettered and the archive goes on; a database failure
 * holds the batch until it is stored. Every test uses fresh tenants.
 */
@QuarkusTest
@Servers
@TestProfile(EventArchiveTest.Archiving.class)
class EventArchiveTest {

    public static class Archiving implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ArchiveTopics.class));
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaProducer<String, String> producer;

    @Inject
    CollectorConfig config;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Test
    void liveEventsLandOnceEachWithTheirFieldsAndTheRecordAsPayload() throws Exception {
        UUID tenant = UUID.randomUUID();
        String key = tenant + ":s1";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> sent = List.of(event(tenant, "s1", "page_view", now.minusSeconds(3)),
                event(tenant, "s1", "view_item", now.minusSeconds(2)),
                event(tenant, "s1", "add_to_cart", now.minusSeconds(1)));
        for (String value : sent) {
            send(key, value);
        }

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE tenant_id = ?::uuid",
                tenant.toString()) == 3);
        for (String value : sent) {
            // Every column from the record's own fields, the payload the record itself.
            assertThat(count("SELECT count(*) FROM collector.events WHERE payload = ?::jsonb AND origin = 'live'"
                    + " AND tenant_id = (payload->>'tenant_id')::uuid AND event_id = (payload->>'event_id')::uuid"
                    + " AND occurred_at = (payload->>'occurred_at')::timestamptz"
                    + " AND received_at = (payload->>'received_at')::timestamptz"
                    + " AND source_id = (payload->>'source_id')::uuid AND type = payload->>'type'"
                    + " AND session_id = payload->>'session_id' AND anonymous_id = payload->>'anonymous_id'"
                    + " AND user_id IS NOT DISTINCT FROM payload->>'user_id'", value)).isEqualTo(1);
        }
    }

    @Test
    void anEventPostedToTheCollectorIsArchivedAsPublished() throws Exception {
        Map<String, Object> event = Events.of("page_view", "s-archive");
        String eventId = (String) event.get("event_id");

        given().header(EventsResource.WRITE_KEY_HEADER, Sources.newWriteKey()).contentType(ContentType.JSON)
                .body(List.of(event)).post("/v1/events").then().statusCode(202);

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE event_id = ?::uuid",
                eventId) == 1);
        assertThat(count("SELECT count(*) FROM collector.events WHERE event_id = ?::uuid AND origin = 'live'"
                + " AND source_id IS NOT NULL AND payload->'context' IS NOT NULL AND payload->>'tenant_id' = tenant_id::text"
                + " AND payload->>'occurred_at' IS NOT NULL", eventId)).isEqualTo(1);
    }

    @Test
    void aRedeliveredOrResentEventIsStoredOnce() throws Exception {
        UUID tenant = UUID.randomUUID();
        String key = tenant + ":s1";
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> first = fields(tenant, "s1", "page_view", at);
        String eventId = (String) first.get("event_id");
        // The client resent its batch after a 503: stamped again, so a later receive time and a slightly different
        // skew-corrected occurred_at.
        Map<String, Object> resent = fields(tenant, "s1", "page_view", at.plusSeconds(2));
        resent.put("event_id", eventId);
        resent.put("received_at", at.plusSeconds(12).toString());
        double before = counter("duplicate");

        send(key, Events.json(first));
        // Stored before its repeats arrive, so they meet the stored row, not only the batch they come in.
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE event_id = ?::uuid",
                eventId) == 1);
        send(key, Events.json(first)); // Kafka delivered it twice
        send(key, Events.json(resent));
        String marker = event(tenant, "s1", "view_item", at.plusSeconds(30)); // same key: read after those

        send(key, marker);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE payload = ?::jsonb",
                marker) == 1);
        assertThat(count("SELECT count(*) FROM collector.events WHERE tenant_id = ?::uuid", tenant.toString()))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM collector.events WHERE event_id = ?::uuid AND occurred_at = '" + at
                + "'", eventId)).as("the first one stays").isEqualTo(1);
        await().atMost(WAIT).until(() -> counter("duplicate") - before >= 2);
    }

    @Test
    void anEventOfADayWithoutPartitionGetsItsPartitionFirst() throws Exception {
        LocalDate day = dayWithoutPartition();
        String partition = "events_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
        UUID tenant = UUID.randomUUID();
        Instant at = day.atTime(13, 45).toInstant(ZoneOffset.UTC);
        try {
            send(tenant + ":old", event(tenant, "old", "page_view", at));

            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE tenant_id ="
                    + " ?::uuid", tenant.toString()) == 1);
            assertThat(count("SELECT count(*) FROM collector.events e JOIN pg_class c ON c.oid = e.tableoid"
                    + " WHERE c.relname = ? AND origin = 'live'", partition)).isEqualTo(1);
        } finally {
            execute("DROP TABLE IF EXISTS collector." + partition); // only this test's event was in it
        }
    }

    @Test
    void recordsThatCannotBeStoredAreDeadLetteredAndTheArchiveGoesOn() throws Exception {
        UUID tenant = UUID.randomUUID();
        String key = tenant + ":s1";
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> withoutTenant = fields(tenant, "s1", "page_view", at);
        withoutTenant.remove("tenant_id");
        withoutTenant.put("event_id", "not-a-uuid");
        Map<String, Object> withNul = fields(tenant, "s1", "page_view", at); // valid JSON; PostgreSQL refuses it
        withNul.put("session_id", "s\u0000x");
        String good1 = event(tenant, "s1", "page_view", at.minusSeconds(2));
        String good2 = event(tenant, "s1", "view_item", at.minusSeconds(1));

        try (TopicReader deadLetters = new TopicReader(config.topics().archiveDeadLetter())) {
            send(key, "{\"event_id\": ");
            send(key, good1);
            send(key, Events.json(withoutTenant));
            send(key, Events.json(withNul));
            send(key, good2);

            List<TopicReader.Message> dead = deadLetters.await(m -> key.equals(m.key()), 3);
            assertThat(dead).extracting(m -> m.value().path("reason").asText()).satisfiesExactlyInAnyOrder(
                    r -> assertThat(r).startsWith("not valid JSON: "),
                    r -> assertThat(r).contains("tenant_id: is required").contains("event_id: 'not-a-uuid' is"
                            + " not a UUID"),
                    r -> assertThat(r).startsWith("refused by PostgreSQL: "));
            assertThat(dead).allSatisfy(m -> {
                assertThat(m.value().path("topic").asText()).isEqualTo(config.topics().events());
                assertThat(m.value().path("record").asText()).isNotEmpty();
            });
        }
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE tenant_id = ?::uuid",
                tenant.toString()) == 2);
        assertThat(count("SELECT count(*) FROM collector.events WHERE payload = ?::jsonb", good1)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM collector.events WHERE payload = ?::jsonb", good2)).isEqualTo(1);
    }

    @Test
    void aBatchTheDatabaseFailsIsRetriedUntilItIsStored() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        QuarkusMock.installMockForType(new EventBulkLoader() {
            @Override
            public long loadLive(Connection c, CopyBuffer rows, Duration window) throws SQLException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new SQLException("Connection to 127.0.0.1:5432 refused (simulated)", "08001");
                }
                return super.loadLive(c, rows, window);
            }
        }, EventBulkLoader.class);
        double retriesBefore = registry.find("shoppulse.collector.archive.retries").counter().count();
        UUID tenant = UUID.randomUUID();
        String value = event(tenant, "s1", "page_view", Instant.now().truncatedTo(ChronoUnit.MILLIS));

        send(tenant + ":s1", value);

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM collector.events WHERE payload = ?::jsonb",
                value) == 1);
        assertThat(failuresLeft.get()).isNegative();
        assertThat(registry.find("shoppulse.collector.archive.retries").counter().count() - retriesBefore)
                .isGreaterThanOrEqualTo(2);
        assertThat(count("SELECT count(*) FROM collector.events WHERE tenant_id = ?::uuid", tenant.toString()))
                .isEqualTo(1);
    }

    /** An event as the collector publishes it: the contract's fields and the server's. */
    private static Map<String, Object> fields(UUID tenant, String session, String type, Instant occurredAt) {
        Map<String, Object> event = Events.of(type, session);
        event.put("timestamp", occurredAt.toString());
        event.put("user_id", "u-" + session);
        event.put("tenant_id", tenant.toString());
        event.put("source_id", UUID.randomUUID().toString());
        event.put("received_at", occurredAt.plusMillis(250).toString());
        event.put("occurred_at", occurredAt.toString());
        event.put("context", Map.of("ip", "203.0.113.0", "device", Map.of("class", "Desktop")));
        return event;
    }

    private static String event(UUID tenant, String session, String type, Instant occurredAt) {
        return Events.json(fields(tenant, session, type, occurredAt));
    }

    private void send(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(config.topics().events(), key, value)).get();
    }

    private double counter(String outcome) {
        return registry.find("shoppulse.collector.archive.records").tag("outcome", outcome).counter().count();
    }

    /** A day of 2000 to 2018 that collector.events has no partition for yet. */
    private LocalDate dayWithoutPartition() throws SQLException {
        while (true) {
            LocalDate day = LocalDate.of(2000, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(19 * 365));
            if (count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = 'collector' AND c.relname = ?",
                    "events_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE)) == 0) {
                return day;
            }
        }
    }

    private long count(String query, String parameter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
