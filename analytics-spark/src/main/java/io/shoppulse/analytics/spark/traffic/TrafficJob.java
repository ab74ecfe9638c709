package io.shoppulse.analytics.spark.traffic;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.stream.ExactlyOnceQuery;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.TimeMode;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The traffic query: one read of {@code shop.events.v1} feeds the KPIs, product behaviour, sessions and funnels,
 * distinct and new visitors, viewed-together counts, cart-abandonment alerts and the events' dead letters.
 * Explicit schema, event-time watermark (late events beyond it are dropped and never counted), deduplication by
 * event id inside each session's state, sessionization with transformWithState (event-time timers), its own checkpoint, and an
 * exactly-once sink (see {@link TrafficSink}, {@link ExactlyOnceQuery}).
 */
public final class TrafficJob {

    public static final String QUERY = "traffic";
    /**
     * The layout of the sessionizer's state; raise it with any change to {@link SessionState} or
     * {@link SessionSnapshot} (2: event-id fingerprints; 3: transformWithState with event-time timers).
     */
    public static final int STATE_VERSION = 3;

    private TrafficJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, STATE_VERSION,
                config.topics().events());
        Dataset<TrafficEvent> events = TrafficEvents
                .parse(Streams.kafka(spark, config, config.topics().events(), QUERY, checkpoint))
                .withWatermark("occurredAt", config.latenessSpark());
        Dataset<TrafficRecord> records = events.groupByKey((MapFunction<TrafficEvent, String>) Sessionizer::key,
                Encoders.STRING()).transformWithState(new SessionProcessor(config.sessionGap()), TimeMode.EventTime(),
                        OutputMode.Update(), Encoders.bean(TrafficRecord.class));
        Duration closesAfter = config.lateness().plus(config.sessionGap());
        double zLimit = config.anomalyZ();
        String scope = checkpoint.name();
        return ExactlyOnceQuery.start(records, OutputMode.Update(), QUERY, config, checkpoint, availableNow,
                rows -> new ExactlyOnceQuery.Batch() {
                    private final TrafficSink writer = TrafficSink.streaming(scope, closesAfter, zLimit);

                    @Override
                    public void prepare(Connection c) throws SQLException {
                        writer.preparePartitions(c, rows);
                    }

                    @Override
                    public ExactlyOnceQuery.Written write(Connection c) throws SQLException {
                        TrafficSink.Result r = writer.write(c, rows);
                        return new ExactlyOnceQuery.Written(r.events() == 0 && r.deadLetters() == 0
                                ? null
                                : String.format("%d events, %d sessions, %d alerts, %d dead letters", r.events(),
                                        r.sessions(), r.alerts(), r.deadLetters()),
                                r.newest());
                    }
                });
    }

    /** The recompute's sessionizer: the streaming query's fold over a batch of events, every session ended. */
    public static Dataset<TrafficRecord> sessionizeBatch(Dataset<TrafficEvent> events, JobConfig config) {
        return events.groupByKey((MapFunction<TrafficEvent, String>) Sessionizer::key, Encoders.STRING())
                .flatMapGroups(Sessionizer.batch(config.sessionGap()), Encoders.bean(TrafficRecord.class));
    }

    /** Runs the query until it stops (AvailableNow) or fails. */
    public static void await(StreamingQuery query) throws StreamingQueryException {
        query.awaitTermination();
    }
}
