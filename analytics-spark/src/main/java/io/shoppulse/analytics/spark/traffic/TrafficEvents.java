package io.shoppulse.analytics.spark.traffic;

import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/** The event contract's fields the traffic job reads (docs/events.md), as an explicit schema, and how a record maps. */
public final class TrafficEvents {

    private static final DataType MONEY = DataTypes.createDecimalType(19, 4);

    public static final StructType ITEM = new StructType().add("item_id", DataTypes.StringType)
            .add("item_name", DataTypes.StringType).add("item_brand", DataTypes.StringType)
            .add("item_category", DataTypes.StringType).add("price", MONEY).add("quantity", DataTypes.IntegerType);

    /** Times are read as text and cast, which takes any RFC 3339 form the collector writes. */
    public static final StructType SCHEMA = new StructType().add("event_id", DataTypes.StringType)
            .add("type", DataTypes.StringType).add("tenant_id", DataTypes.StringType)
            .add("occurred_at", DataTypes.StringType).add("session_id", DataTypes.StringType)
            .add("anonymous_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("page", new StructType().add("url", DataTypes.StringType).add("path", DataTypes.StringType))
            .add("utm", new StructType().add("source", DataTypes.StringType).add("medium", DataTypes.StringType))
            .add("items", DataTypes.createArrayType(ITEM)).add("value", MONEY).add("currency", DataTypes.StringType)
            .add("context", new StructType().add("device", new StructType().add("class", DataTypes.StringType)));

    private TrafficEvents() {
    }

    /**
     * Records as {@link Streams#kafka} reads them (or a recompute's raw events) to events; unreadable ones carry a
     * problem.
     */
    public static Dataset<TrafficEvent> parse(Dataset<Row> rows) {
        Column e = from_json(col("raw"), SCHEMA, Map.of("mode", "PERMISSIVE"));
        Dataset<Row> parsed = rows.withColumn("e", e);
        Column occurred = col("e.occurred_at").cast("timestamp");
        Column problem = when(col("e").isNull(), lit("not a JSON object"))
                .when(col("e.tenant_id").isNull().or(col("e.tenant_id").rlike(Streams.UUID_PATTERN).unary_$bang()),
                        lit("tenant_id is missing or not a UUID"))
                .when(col("e.event_id").isNull(), lit("event_id is missing"))
                .when(col("e.type").isNull(), lit("type is missing"))
                .when(col("e.session_id").isNull(), lit("session_id is missing"))
                .when(occurred.isNull(), lit("occurred_at is missing or not a time"));
        Column ok = problem.isNull();
        return parsed.select(when(ok, col("e.tenant_id")).as("tenantId"), col("e.event_id").as("eventId"),
                col("e.type").as("type"),
                // A record that cannot be read keeps its arrival time, so the watermark treats it as current.
                coalesce(occurred, col("kafka_time")).as("occurredAt"), col("e.session_id").as("sessionId"),
                coalesce(col("e.anonymous_id"), col("e.session_id")).as("anonymousId"), col("e.user_id").as("userId"),
                coalesce(col("e.page.path"), col("e.page.url")).as("pagePath"), col("e.utm.source").as("utmSource"),
                col("e.utm.medium").as("utmMedium"), col("e.context.device.class").as("deviceClass"),
                col("e.value").as("value"), col("e.currency").as("currency"),
                col("e.items").cast(DataTypes.createArrayType(new StructType().add("itemId", DataTypes.StringType)
                        .add("itemName", DataTypes.StringType).add("itemBrand", DataTypes.StringType)
                        .add("itemCategory", DataTypes.StringType).add("price", MONEY)
                        .add("quantity", DataTypes.IntegerType))).as("items"),
                problem.as("problem"), when(ok.unary_$bang(), col("raw")).as("raw"), col("topic"),
                col("kafka_partition").as("kafkaPartition"), col("kafka_offset").as("kafkaOffset"))
                .as(Encoders.bean(TrafficEvent.class));
    }
}
