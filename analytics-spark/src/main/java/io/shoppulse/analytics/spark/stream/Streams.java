package io.shoppulse.analytics.spark.stream;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sink.BatchCommits;
import io.shoppulse.analytics.spark.sink.Postgres;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.apache.spark.sql.functions.col;

/** What every streaming query shares: its checkpoint and its identity, the Kafka source, the trigger. */
public final class Streams {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);

    private Streams() {
    }

    /**
     * A query's checkpoint directory and what keys its batch records: the query over its topic ({@code name}) and
     * the checkpoint's own id.
     */
    public record Checkpoint(String name, Path dir, String id, boolean fresh) {
    }

    /**
     * The query's checkpoint: a new directory gets a new id. A query that starts on a new checkpoint reads a topic
     * from its start only if it never committed anything before; otherwise (a checkpoint replaced after a change
     * of state) it starts at the latest offsets instead of counting history twice, and says which range to
     * recompute.
     */
    public static Checkpoint checkpoint(JobConfig config, String query, String topic) {
        return checkpoint(config, query, 1, topic);
    }

    /**
     * The checkpoint of a query whose state layout has changed {@code stateVersion - 1} times: a new layout cannot
     * read an old checkpoint's state, so each version has a directory of its own ({@code <query>-v<N>} from version
     * 2), and a query moving to a new version starts on a new checkpoint (see above).
     */
    public static Checkpoint checkpoint(JobConfig config, String query, int stateVersion, String topic) {
        Path dir = config.checkpoints().resolve(stateVersion == 1 ? query : query + "-v" + stateVersion)
                .toAbsolutePath();
        Path idFile = dir.resolve("shoppulse-checkpoint-id");
        try {
            Files.createDirectories(dir);
            boolean fresh = !Files.exists(dir.resolve("offsets"));
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, UUID.randomUUID().toString(), StandardCharsets.UTF_8);
            }
            return new Checkpoint(query + "@" + topic, dir, Files.readString(idFile, StandardCharsets.UTF_8).trim(),
                    fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use checkpoint directory " + dir, e);
        }
    }

    /** A tenant id as the collector and the outboxes write it; every query's parse checks it. */
    public static final String UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    /** {@link #UUID_PATTERN} in plain Java, for the parsers and sinks that check one record at a time. */
    public static boolean isUuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (dash ? c != '-' : !hex) {
                return false;
            }
        }
        return true;
    }

    /**
     * The topic's records as every query reads them: {@code raw} (the value as text), {@code topic},
     * {@code kafka_partition}, {@code kafka_offset} and {@code kafka_time} (when Kafka took it).
     */
    public static Dataset<Row> kafka(SparkSession spark, JobConfig config, String topic, String query,
            Checkpoint checkpoint) {
        String starting = "earliest";
        if (checkpoint.fresh()) {
            try (Connection c = new Postgres(config).open()) {
                if (BatchCommits.committedElsewhere(c, checkpoint.name(), checkpoint.id())) {
                    starting = "latest";
                    LOG.warn("{} starts on a new checkpoint after committing under another: it reads {} from the "
                            + "latest offsets; run ./shoppulse recompute for the hours before now", query, topic);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the batch records of " + query, e);
            }
        }
        DataStreamReader reader = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrap()).option("subscribe", topic)
                .option("startingOffsets", starting).option("failOnDataLoss", "false")
                .option("kafka.client.id", "analytics-spark-" + query);
        if (config.maxOffsetsPerTrigger() > 0) {
            reader = reader.option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger());
        }
        return reader.load().select(col("value").cast("string").as("raw"), col("topic"),
                col("partition").as("kafka_partition"), col("offset").as("kafka_offset"),
                col("timestamp").as("kafka_time"));
    }

    /** The trigger: as configured, or process what is there and stop (tests, catch-up runs). */
    public static Trigger trigger(JobConfig config, boolean availableNow) {
        if (availableNow) {
            return Trigger.AvailableNow();
        }
        return Trigger.ProcessingTime(config.trigger().toMillis(), TimeUnit.MILLISECONDS);
    }
}
