package io.shoppulse.analytics.spark.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the Spark jobs are configured with, typed, from environment variables only (12-factor: a Kubernetes
 * deployment sets the same names). Defaults suit {@code ./shoppulse up} on one machine.
 *
 * @param lateness how late an event may arrive and still count (the watermark delay)
 * @param sessionGap inactivity that ends a session
 * @param trigger micro-batch interval; zero runs the next batch as soon as one finishes
 * @param idlePoll how long a query that found no new records waits before it asks Kafka again (Spark's default of
 *        10 ms has every idle query ask a hundred times a second)
 * @param maxOffsetsPerTrigger cap on records per micro-batch, so a backlog is worked off in bounded batches
 * @param archiveGroup the collector archive's consumer group, whose progress a recompute waits for
 */
public record JobConfig(String master, String kafkaBootstrap, String jdbcUrl, String dbUser, String dbPassword,
        Path checkpoints, Topics topics, Duration lateness, Duration sessionGap, Duration trigger,
        Duration idlePoll, long maxOffsetsPerTrigger, int shufflePartitions, double anomalyZ, Path statusFile,
        String archiveGroup)
        implements
            Serializable {

    /** The Kafka topics the jobs read and write; tests point them at topics of their own. */
    public record Topics(String events, String orders, String catalog, String intakeErrors, String alerts)
            implements
                Serializable {
    }

    public static JobConfig fromEnv() {
        return from(System.getenv());
    }

    public static JobConfig from(Map<String, String> env) {
        Function<String, String> get = name -> env.get(name) == null || env.get(name).isBlank()
                ? null
                : env.get(name).trim();
        String host = or(get.apply("SHOPPULSE_PG_HOST"), "127.0.0.1");
        String port = or(get.apply("SHOPPULSE_PG_PORT"), "5432");
        String db = or(get.apply("SHOPPULSE_PG_DATABASE"), "shoppulse");
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + db
                + "?currentSchema=analytics&ApplicationName=analytics-spark&reWriteBatchedInserts=true";
        Topics topics = new Topics(or(get.apply("SHOPPULSE_TOPIC_EVENTS"), "shop.events.v1"),
                or(get.apply("SHOPPULSE_TOPIC_ORDERS"), "shop.orders.v1"),
                or(get.apply("SHOPPULSE_TOPIC_CATALOG"), "shop.catalog.v1"),
                or(get.apply("SHOPPULSE_TOPIC_EVENTS_DLQ"), "shop.events.dlq.v1"),
                or(get.apply("SHOPPULSE_TOPIC_ALERTS"), "shop.alerts.v1"));
        String password = get.apply("SHOPPULSE_DB_PASSWORD");
        if (password == null) {
            password = or(get.apply("SHOPPULSE_DB_PASSWORD_ANALYTICS"), "");
        }
        return new JobConfig(or(get.apply("SHOPPULSE_SPARK_MASTER"), "local[2]"),
                or(get.apply("SHOPPULSE_KAFKA_BOOTSTRAP"), "127.0.0.1:9092"), jdbc,
                or(get.apply("SHOPPULSE_DB_USER"), "shoppulse_analytics"), password,
                Path.of(or(get.apply("SHOPPULSE_SPARK_CHECKPOINTS"), ".shoppulse/spark/checkpoints")), topics,
                duration(get.apply("SHOPPULSE_ANALYTICS_LATENESS"), Duration.ofMinutes(10)),
                duration(get.apply("SHOPPULSE_ANALYTICS_SESSION_GAP"), Duration.ofMinutes(30)),
                duration(get.apply("SHOPPULSE_SPARK_TRIGGER"), Duration.ZERO),
                duration(get.apply("SHOPPULSE_SPARK_IDLE_POLL"), Duration.ofMillis(100)),
                Long.parseLong(or(get.apply("SHOPPULSE_SPARK_MAX_OFFSETS_PER_TRIGGER"), "100000")),
                Integer.parseInt(or(get.apply("SHOPPULSE_SPARK_SHUFFLE_PARTITIONS"), "2")),
                Double.parseDouble(or(get.apply("SHOPPULSE_ANALYTICS_ANOMALY_Z"), "3")),
                Path.of(or(get.apply("SHOPPULSE_SPARK_STATUS_FILE"), ".shoppulse/spark/status.json")),
                or(get.apply("SHOPPULSE_ARCHIVE_GROUP"), "collector-archive"));
    }

    public JobConfig withTopics(Topics other) {
        return new JobConfig(master, kafkaBootstrap, jdbcUrl, dbUser, dbPassword, checkpoints, other, lateness,
                sessionGap, trigger, idlePoll, maxOffsetsPerTrigger, shufflePartitions, anomalyZ, statusFile,
                archiveGroup);
    }

    public JobConfig withCheckpoints(Path dir) {
        return new JobConfig(master, kafkaBootstrap, jdbcUrl, dbUser, dbPassword, dir, topics, lateness, sessionGap,
                trigger, idlePoll, maxOffsetsPerTrigger, shufflePartitions, anomalyZ, statusFile, archiveGroup);
    }

    /** Spark's delay syntax for {@code withWatermark}. */
    public String latenessSpark() {
        return lateness.toMillis() + " milliseconds";
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** {@code 10m}, {@code 30s}, {@code 500ms}, {@code 1h}, or an ISO-8601 duration. */
    static Duration duration(String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        String t = text.toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.parse(text);
            };
        } catch (RuntimeException e) {
            try {
                return Duration.parse(text);
            } catch (RuntimeException again) {
                throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 10m, 30s, 500ms, PT1H)");
            }
        }
    }
}
