package io.shoppulse.analytics.spark.sales;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.ExactlyOnce;
import io.shoppulse.analytics.spark.sink.Postgres;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The sales query over {@code shop.orders.v1}: orders, units, gross revenue, refunds and cancellations per
 * currency and country, product sales, bought-together pairs and revenue anomalies. Explicit schema, watermark on
 * each event's business time, deduplication by event id within the watermark, its own checkpoint, exactly-once sink.
 */
public final class SalesJob {

    public static final String QUERY = "sales";
    private static final Logger LOG = LoggerFactory.getLogger(SalesJob.class);

    private SalesJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, config.topics().orders());
        Dataset<Row> events = OrderEvents
                .fromKafka(Streams.kafka(spark, config, config.topics().orders(), QUERY, checkpoint))
                .withWatermark("at", config.latenessSpark()).dropDuplicatesWithinWatermark("dedup_key");
        Postgres db = new Postgres(config);
        String bootstrap = config.kafkaBootstrap();
        String alertsTopic = config.topics().alerts();
        String checkpointId = checkpoint.id();
        String recordName = checkpoint.name();
        SalesSink writer = new SalesSink(config.lateness(), config.anomalyZ(), false);
        VoidFunction2<Dataset<Row>, Long> sink = (batch, batchId) -> {
            List<Row> rows = batch.collectAsList();
            boolean applied = ExactlyOnce.apply(db, recordName, checkpointId, batchId,
                    c -> writer.preparePartitions(c, rows), c -> {
                        int counted = writer.write(c, rows);
                        if (!rows.isEmpty()) {
                            LOG.info("sales batch {}: {} order events, {} dead letters", batchId, counted,
                                    rows.size() - counted);
                        }
                    });
            if (applied) {
                Alerts.publishAfterCommit(db, bootstrap, alertsTopic);
            }
        };
        return events.writeStream().queryName(QUERY).outputMode(OutputMode.Append())
                .option("checkpointLocation", checkpoint.dir().toString())
                .trigger(Streams.trigger(config, availableNow)).foreachBatch(sink).start();
    }
}
