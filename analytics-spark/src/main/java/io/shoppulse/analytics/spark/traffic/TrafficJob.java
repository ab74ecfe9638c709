package io.shoppulse.analytics.spark.traffic;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.ExactlyOnce;
import io.shoppulse.analytics.spark.sink.Postgres;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The traffic query: one read of {@code shop.events.v1} feeds the KPIs, product behaviour, sessions and funnels,
 * distinct and new visitors, viewed-together counts, cart-abandonment alerts and the events' dead letters.
 * Explicit schema, event-time watermark (late events beyond it are dropped and never counted), deduplication by
 * event id inside each session's state, sessionization with flatMapGroupsWithState, its own checkpoint, and an
 * exactly-once sink (see {@link TrafficSink}, {@link ExactlyOnce}).
 */
public final class TrafficJob {

    public static final String QUERY = "traffic";
    private static final Logger LOG = LoggerFactory.getLogger(TrafficJob.class);

    private TrafficJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, config.topics().events());
        Dataset<TrafficEvent> events = TrafficEvents
                .fromKafka(Streams.kafka(spark, config, config.topics().events(), QUERY, checkpoint))
                .withWatermark("occurredAt", config.latenessSpark()).as(Encoders.bean(TrafficEvent.class));
        Dataset<TrafficRecord> records = sessionize(events, config, false);
        Postgres db = new Postgres(config);
        String bootstrap = config.kafkaBootstrap();
        String alertsTopic = config.topics().alerts();
        String checkpointId = checkpoint.id();
        String recordName = checkpoint.name();
        java.time.Duration closesAfter = config.lateness().plus(config.sessionGap());
        double zLimit = config.anomalyZ();
        VoidFunction2<Dataset<TrafficRecord>, Long> sink = (batch, batchId) -> {
            List<TrafficRecord> rows = batch.collectAsList();
            TrafficSink writer = new TrafficSink(null, closesAfter, zLimit);
            boolean applied = ExactlyOnce.apply(db, recordName, checkpointId, batchId,
                    c -> writer.preparePartitions(c, rows), c -> {
                        TrafficSink.Result r = writer.write(c, rows);
                        if (r.events() > 0 || r.deadLetters() > 0) {
                            LOG.info("traffic batch {}: {} events, {} sessions, {} alerts, {} dead letters",
                                    batchId, r.events(), r.sessions(), r.alerts(), r.deadLetters());
                        }
                    });
            if (applied) {
                Alerts.publishAfterCommit(db, bootstrap, alertsTopic);
            }
        };
        return records.writeStream().queryName(QUERY).outputMode(OutputMode.Update())
                .option("checkpointLocation", checkpoint.dir().toString()).trigger(Streams.trigger(config,
                        availableNow))
                .foreachBatch(sink).start();
    }

    /** The sessionizer over events grouped by (tenant, session); also what the recompute runs in batch. */
    public static Dataset<TrafficRecord> sessionize(Dataset<TrafficEvent> events, JobConfig config, boolean batch) {
        return events.groupByKey((MapFunction<TrafficEvent, String>) Sessionizer::key, Encoders.STRING())
                .flatMapGroupsWithState(new Sessionizer(config.sessionGap(), batch), OutputMode.Update(),
                        Encoders.bean(SessionState.class), Encoders.bean(TrafficRecord.class),
                        batch ? GroupStateTimeout.NoTimeout() : GroupStateTimeout.EventTimeTimeout());
    }

    /** Runs the query until it stops (AvailableNow) or fails. */
    public static void await(StreamingQuery query) throws StreamingQueryException {
        query.awaitTermination();
    }
}
