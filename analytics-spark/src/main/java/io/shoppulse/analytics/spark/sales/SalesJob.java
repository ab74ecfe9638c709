package io.shoppulse.analytics.spark.sales;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.stream.ExactlyOnceQuery;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

/**
 * The sales query over {@code shop.orders.v1}: orders, units, gross revenue, refunds and cancellations per
 * currency and country, product sales, bought-together pairs and revenue anomalies. Explicit schema, watermark on
 * each event's business time, deduplication by event id within the watermark, its own checkpoint, exactly-once sink.
 */
public final class SalesJob {

    public static final String QUERY = "sales";

    private SalesJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, config.topics().orders());
        Dataset<Row> events = OrderEvents.parse(Streams.kafka(spark, config, config.topics().orders(), QUERY,
                checkpoint)).withWatermark("at", config.latenessSpark()).dropDuplicatesWithinWatermark("dedup_key");
        SalesSink writer = SalesSink.streaming(checkpoint.name(), config.lateness(), config.anomalyZ());
        return ExactlyOnceQuery.start(events, OutputMode.Append(), QUERY, config, checkpoint, availableNow,
                rows -> new ExactlyOnceQuery.Batch() {
                    @Override
                    public void prepare(Connection c) throws SQLException {
                        writer.preparePartitions(c, rows);
                    }

                    @Override
                    public ExactlyOnceQuery.Written write(Connection c) throws SQLException {
                        SalesSink.Result r = writer.write(c, rows);
                        return new ExactlyOnceQuery.Written(rows.isEmpty()
                                ? null
                                : String.format("%d order events, %d dead letters", r.counted(), r.deadLetters()),
                                r.newest());
                    }
                });
    }
}
