package io.shoppulse.analytics.spark.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Alerts: stored in analytics.alerts in the batch's transaction (the id derives from the condition, so a condition
 * seen again is the same alert), then sent to {@code shop.alerts.v1} keyed {@code tenant_id:alert_id} and marked
 * published once Kafka has acknowledged them. Whatever a crash leaves unpublished goes out after the next batch.
 */
public final class Alerts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An alert to raise: {@code details} is a JSON object with what a person needs to act. */
    public record Alert(UUID tenantId, String alertId, String kind, String severity, Instant occurredAt, String title,
            String details) {
    }

    private final KafkaProducer<String, String> producer;
    private final String topic;

    public Alerts(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "analytics-spark-alerts");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.topic = topic;
    }

    /** Stores the alerts; an alert already raised is left as it was. Answers how many are new. */
    public static int store(Connection c, List<Alert> alerts) throws SQLException {
        if (alerts.isEmpty()) {
            return 0;
        }
        int added = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO alerts (tenant_id, alert_id, kind, severity, "
                + "occurred_at, title, details) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
            for (Alert a : alerts) {
                insert.setObject(1, a.tenantId());
                insert.setString(2, a.alertId());
                insert.setString(3, a.kind());
                insert.setString(4, a.severity());
                insert.setTimestamp(5, Timestamp.from(a.occurredAt()));
                insert.setString(6, a.title());
                insert.setString(7, a.details());
                added += insert.executeUpdate();
            }
        }
        return added;
    }

    /** Sends every unpublished alert (oldest first, row-locked so two queries never send one twice) and marks it. */
    public synchronized int publishPending(Connection c) throws SQLException {
        List<Object[]> sent = new ArrayList<>();
        List<Future<?>> acks = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT tenant_id, alert_id, kind, severity, occurred_at, "
                + "title, details::text FROM alerts WHERE published_at IS NULL ORDER BY created_at LIMIT 1000 "
                + "FOR UPDATE SKIP LOCKED"); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ObjectNode body = JSON.createObjectNode();
                body.put("alert_id", rs.getString(2));
                body.put("tenant_id", rs.getString(1));
                body.put("kind", rs.getString(3));
                body.put("severity", rs.getString(4));
                body.put("occurred_at", rs.getTimestamp(5).toInstant().toString());
                body.put("title", rs.getString(6));
                try {
                    body.set("details", JSON.readTree(rs.getString(7)));
                } catch (Exception e) {
                    throw new SQLException("alert " + rs.getString(2) + " has unreadable details", e);
                }
                acks.add(producer.send(new ProducerRecord<>(topic, rs.getString(1) + ":" + rs.getString(2),
                        body.toString())));
                sent.add(new Object[]{rs.getObject(1), rs.getString(2)});
            }
        }
        if (sent.isEmpty()) {
            c.commit();
            return 0;
        }
        try {
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            c.rollback();
            LOG.warn("alerts not acknowledged by Kafka; they are sent again after the next batch", e);
            return 0;
        }
        try (PreparedStatement mark = c.prepareStatement(
                "UPDATE alerts SET published_at = now() WHERE tenant_id = ? AND alert_id = ?")) {
            for (Object[] key : sent) {
                mark.setObject(1, key[0]);
                mark.setString(2, (String) key[1]);
                mark.addBatch();
            }
            mark.executeBatch();
        }
        c.commit();
        return sent.size();
    }

    private static final java.util.Map<String, Alerts> PUBLISHERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The one publisher of a broker and topic in this process (the queries share its producer). */
    public static Alerts publisher(String bootstrap, String topic) {
        return PUBLISHERS.computeIfAbsent(bootstrap + "/" + topic, k -> new Alerts(bootstrap, topic));
    }

    @Override
    public void close() {
        producer.close();
    }
}
