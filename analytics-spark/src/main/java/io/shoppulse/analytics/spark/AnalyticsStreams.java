package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.analytics.spark.catalog.StockJob;
import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.intake.IntakeErrorsJob;
import io.shoppulse.analytics.spark.sales.SalesJob;
import io.shoppulse.analytics.spark.traffic.TrafficJob;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The streaming application: every analytics query in one Spark application (local mode under ./shoppulse up, a
 * cluster's master in Kubernetes). Each query's progress goes to a status file every few seconds, which is also the
 * health check. A query that fails stops the application with a non-zero exit so that its supervisor restarts it;
 * the checkpoints and the batch records make the restart exact.
 */
public final class AnalyticsStreams {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsStreams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean stopping;

    private AnalyticsStreams() {
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromEnv();
        SparkSession spark = Spark.session(config, "shoppulse-analytics");
        List<StreamingQuery> queries = List.of(TrafficJob.start(spark, config, false),
                SalesJob.start(spark, config, false), StockJob.start(spark, config, false),
                IntakeErrorsJob.start(spark, config, false));
        LOG.info("analytics streams started: {} queries, master {}, trigger {}, lateness {}", queries.size(),
                config.master(), config.trigger(), config.lateness());
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor();
        status.scheduleAtFixedRate(() -> writeStatus(config.statusFile(), queries), 0, 2, TimeUnit.SECONDS);
        // Stop the queries before Spark stops its context (Spark's own hook has priority 50; higher runs first), so a
        // SIGTERM ends each query cleanly instead of failing its running tasks.
        ShutdownHookManager.addShutdownHook(100, () -> {
            stopping = true;
            for (StreamingQuery q : queries) {
                try {
                    q.stop();
                } catch (Exception e) {
                    LOG.warn("stopping {}: {}", q.name(), e.getMessage());
                }
            }
            return BoxedUnit.UNIT;
        });
        try {
            spark.streams().awaitAnyTermination();
        } catch (Exception e) {
            LOG.error("a streaming query failed; stopping so that the supervisor restarts the application", e);
        }
        writeStatus(config.statusFile(), queries);
        if (!stopping) {
            System.exit(1);
        }
    }

    /**
     * {"updated_at", "healthy", "queries": [{name, active, batch_id, input_rows, input_rows_per_s, batch_ms,
     * durations_ms, ...}]}.
     */
    static void writeStatus(Path file, List<StreamingQuery> queries) {
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("updated_at", Instant.now().toString());
            boolean healthy = true;
            ArrayNode list = root.putArray("queries");
            for (StreamingQuery q : queries) {
                ObjectNode n = list.addObject();
                n.put("name", q.name());
                n.put("active", q.isActive());
                healthy &= q.isActive();
                StreamingQueryProgress p = q.lastProgress();
                if (p != null) {
                    n.put("batch_id", p.batchId());
                    n.put("timestamp", p.timestamp());
                    n.put("input_rows", p.numInputRows());
                    n.put("input_rows_per_s", p.inputRowsPerSecond());
                    n.put("processed_rows_per_s", p.processedRowsPerSecond());
                    n.put("batch_ms", p.batchDuration());
                    // Where the batch's time went: Spark's phases (latestOffset, queryPlanning, addBatch, walCommit,
                    // commitOffsets, ...); addBatch holds the executors' work and the sink.
                    ObjectNode phases = n.putObject("durations_ms");
                    p.durationMs().forEach((phase, ms) -> phases.put(phase, ms));
                    if (p.eventTime().containsKey("watermark")) {
                        n.put("watermark", p.eventTime().get("watermark"));
                    }
                }
                if (q.exception().isDefined()) {
                    n.put("error", q.exception().get().getMessage());
                }
            }
            root.put("healthy", healthy);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the status file {}: {}", file, e.getMessage());
        }
    }
}
