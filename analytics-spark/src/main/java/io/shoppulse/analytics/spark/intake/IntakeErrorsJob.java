package io.shoppulse.analytics.spark.intake;

import io.shoppulse.analytics.spark.config.JobConfig;
import io.shoppulse.analytics.spark.stream.ExactlyOnceQuery;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Map;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The intake-errors query: reads the events the collector refused ({@code shop.events.dlq.v1}, written by the
 * collector's EventIngest: {tenant_id, source_id, received_at, index, errors[{field, reason}], event | parse_error}),
 * counts them per tenant and minute, checkout steps apart, into analytics.intake_errors_minute and raises
 * {@code intake_error_spike} when a minute jumps far above the hour before it. Explicit schema, watermark on
 * received_at, exactly-once sink ({@link IntakeErrorsSink}).
 */
public final class IntakeErrorsJob {

    public static final String QUERY = "intake-errors";

    static final StructType ERROR = new StructType().add("field", DataTypes.StringType)
            .add("reason", DataTypes.StringType);

    /** The refused event itself is read only for its type (below), since it may be anything a client sent. */
    public static final StructType SCHEMA = new StructType().add("tenant_id", DataTypes.StringType)
            .add("source_id", DataTypes.StringType).add("received_at", DataTypes.StringType)
            .add("index", DataTypes.IntegerType).add("errors", DataTypes.createArrayType(ERROR));

    private IntakeErrorsJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, config.topics().intakeErrors());
        Dataset<Row> refusals = parse(Streams.kafka(spark, config, config.topics().intakeErrors(), QUERY,
                checkpoint))
                .withWatermark("received_at", config.latenessSpark())
                // One refused event is one (request's receive time, position in the request) of a source: a record
                // written twice counts once, while a client's retry of the request is a refusal of its own.
                .dropDuplicatesWithinWatermark("tenant_id", "source_id", "received_at", "index");
        return ExactlyOnceQuery.start(refusals, OutputMode.Append(), QUERY, config, checkpoint, availableNow,
                rows -> new ExactlyOnceQuery.Batch() {
                    private final IntakeErrorsSink writer = new IntakeErrorsSink(rows);

                    @Override
                    public void prepare(Connection c) throws SQLException {
                        writer.preparePartitions(c);
                    }

                    @Override
                    public ExactlyOnceQuery.Written write(Connection c) throws SQLException {
                        IntakeErrorsSink.Result r = writer.write(c);
                        return new ExactlyOnceQuery.Written(r.refusals() == 0 && r.deadLetters() == 0
                                ? null
                                : String.format("%d refusals, %d alerts, %d dead letters", r.refusals(), r.alerts(),
                                        r.deadLetters()),
                                null);
                    }
                });
    }

    /**
     * Records as {@link Streams#kafka} reads them to one row per refused event; an unreadable one carries a problem
     * and its Kafka coordinates.
     */
    static Dataset<Row> parse(Dataset<Row> records) {
        Dataset<Row> parsed = records.withColumn("e", from_json(col("raw"), SCHEMA, Map.of("mode", "PERMISSIVE")));
        Column received = col("e.received_at").cast("timestamp");
        Column problem = when(col("e").isNull(), lit("not a JSON object"))
                .when(col("e.tenant_id").isNull().or(col("e.tenant_id").rlike(Streams.UUID_PATTERN).unary_$bang()),
                        lit("tenant_id is missing or not a UUID"))
                .when(received.isNull(), lit("received_at is missing or not a time"));
        Column ok = problem.isNull();
        return parsed.select(when(ok, col("e.tenant_id")).as("tenant_id"),
                // An unreadable record is its own key, so deduplication never merges two of them.
                when(ok, col("e.source_id")).otherwise(concat_ws(":", lit("kafka"), col("kafka_partition"),
                        col("kafka_offset"))).as("source_id"),
                // A record that cannot be read keeps its arrival time, so the watermark treats it as current.
                coalesce(received, col("kafka_time")).as("received_at"), col("e.index").as("index"),
                // The type only if the refused event was an object with a textual type; absent otherwise.
                get_json_object(col("raw"), "$.event.type").as("type"), col("e.errors").as("errors"),
                problem.as("problem"), when(ok.unary_$bang(), col("raw")).as("raw"), col("topic"),
                col("kafka_partition"), col("kafka_offset"));
    }
}
