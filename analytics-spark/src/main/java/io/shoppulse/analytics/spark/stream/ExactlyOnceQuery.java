package io.shoppulse.analytics.spark.stream;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.ExactlyOnce;
import io.shoppulse.analytics.spark.sink.Postgres;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * How every analytics query writes: each micro-batch is collected, applied by {@link ExactlyOnce} in one PostgreSQL
 * transaction with its batch record, and the alerts it raised are sent after the commit.
 */
public final class ExactlyOnceQuery {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceQuery.class);

    private ExactlyOnceQuery() {
    }

    /** One micro-batch's work: partitions first (committed on their own), then the writes. */
    public interface Batch {
        default void prepare(Connection c) throws SQLException {
        }

        Written write(Connection c) throws SQLException;
    }

    /**
     * What a batch wrote: a line for the log (null when there is nothing to say) and the newest event time it counted
     * (null when none), for {@code stream_progress}.
     */
    public record Written(String summary, Instant newest) {
    }

    /** Advances the query's progress in the batch's transaction (never backwards). */
    static void progress(Connection c, String recordName, Instant newest) throws SQLException {
        if (newest == null) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO stream_progress (query_name, newest_time) "
                + "VALUES (?, ?) ON CONFLICT (query_name) DO UPDATE SET newest_time = greatest(stream_progress"
                + ".newest_time, excluded.newest_time), updated_at = now()")) {
            upsert.setString(1, recordName);
            upsert.setTimestamp(2, Timestamp.from(newest));
            upsert.executeUpdate();
        }
    }

    public static <T> StreamingQuery start(Dataset<T> stream, OutputMode mode, String query, JobConfig config,
            Streams.Checkpoint checkpoint, boolean availableNow, Function<List<T>, Batch> batches)
            throws TimeoutException {
        Postgres.Kept db = new Postgres(config).kept();
        Alerts alerts = Alerts.publisher(config.kafkaBootstrap(), config.topics().alerts());
        String checkpointId = checkpoint.id();
        String recordName = checkpoint.name();
        VoidFunction2<Dataset<T>, Long> sink = (batch, batchId) -> {
            long started = System.nanoTime();
            List<T> rows = batch.collectAsList();
            long computed = System.nanoTime();
            Batch work = batches.apply(rows);
            ExactlyOnce.apply(db, recordName, checkpointId, batchId, work::prepare, c -> {
                Written written = work.write(c);
                progress(c, recordName, written.newest());
                if (written.summary() != null) {
                    // Where a batch's time goes: Spark's stages (parse, state, output) versus the PostgreSQL sink.
                    LOG.info("{} batch {}: {} (spark {} ms, sink {} ms)", query, batchId, written.summary(),
                            (computed - started) / 1_000_000, (System.nanoTime() - computed) / 1_000_000);
                }
            }, alerts::publishPending);
        };
        return stream.writeStream().queryName(query).outputMode(mode)
                .option("checkpointLocation", checkpoint.dir().toString())
                .trigger(Streams.trigger(config, availableNow)).foreachBatch(sink).start();
    }
}
