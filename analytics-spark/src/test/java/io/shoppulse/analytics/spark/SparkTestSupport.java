package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoppulse.analytics.spark.config.JobConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.flywaydb.core.Flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * What the Spark tests share: one local SparkSession, the analytics schema migrated by the analytics service's own
 * Flyway scripts, and topics of each test's own on the real Kafka broker.
 */
public final class SparkTestSupport {

    private static SparkSession spark;
    private static boolean migrated;

    private SparkTestSupport() {
    }

    /** The platform's configuration with topics and checkpoints of this test's own. */
    public static JobConfig config(String prefix) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        String run = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        env.put("SHOPPULSE_TOPIC_EVENTS", run + ".events");
        env.put("SHOPPULSE_TOPIC_ORDERS", run + ".orders");
        env.put("SHOPPULSE_TOPIC_CATALOG", run + ".catalog");
        env.put("SHOPPULSE_TOPIC_EVENTS_DLQ", run + ".dlq");
        env.put("SHOPPULSE_TOPIC_ALERTS", run + ".alerts");
        env.put("SHOPPULSE_SPARK_MASTER", "local[2]");
        JobConfig config = JobConfig.from(env).withCheckpoints(Files.createTempDirectory("sp-checkpoints-"));
        JobConfig.Topics t = config.topics();
        createTopics(config, List.of(t.events(), t.orders(), t.catalog(), t.intakeErrors(), t.alerts()));
        migrate(config);
        return config;
    }

    public static synchronized SparkSession spark(JobConfig config) {
        if (spark == null) {
            spark = Spark.session(config, "analytics-spark-tests");
        }
        return spark;
    }

    static synchronized void migrate(JobConfig config) {
        if (migrated) {
            return;
        }
        Path scripts = Path.of("..", "services", "analytics", "src", "main", "resources", "db", "migration")
                .toAbsolutePath().normalize();
        Flyway.configure().dataSource(config.jdbcUrl(), config.dbUser(), config.dbPassword()).schemas("analytics")
                .createSchemas(false).locations("filesystem:" + scripts).load().migrate();
        migrated = true;
    }

    static void createTopics(JobConfig config, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, 2, (short) 1));
            }
            admin.createTopics(list).all().get();
        }
    }

    /** Sends records (key, JSON) and waits for Kafka's acknowledgement of each. */
    public static void send(JobConfig config, String topic, List<String[]> keyedValues) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (String[] kv : keyedValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1])).get();
            }
        }
    }

    /** Every record of a topic now (from the start). */
    public static List<String> readAll(JobConfig config, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 20_000;
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    /**
     * The alerts published for these tenants. A query's publisher sends every pending alert of the table, so the
     * topic may also hold alerts of tenants other tests (or a platform on the same database) left unpublished.
     */
    public static List<JsonNode> publishedAlerts(JobConfig config, String... tenants) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> wanted = List.of(tenants);
        List<JsonNode> alerts = new ArrayList<>();
        for (String value : readAll(config, config.topics().alerts())) {
            JsonNode alert = json.readTree(value);
            if (wanted.contains(alert.get("tenant_id").asText())) {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    public static Connection db(JobConfig config) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", config.dbUser());
        props.setProperty("password", config.dbPassword());
        Connection c = DriverManager.getConnection(config.jdbcUrl(), props);
        try (Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
        }
        return c;
    }

    /** One row of a query as column name to value (null when no row). */
    public static Map<String, Object> row(JobConfig config, String sql, Object... params) throws Exception {
        List<Map<String, Object>> rows = rows(config, sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public static List<Map<String, Object>> rows(JobConfig config, String sql, Object... params) throws Exception {
        try (Connection c = db(config); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        m.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(m);
                }
            }
            return out;
        }
    }
}
