package io.shoppulse.analytics.spark.catalog;

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
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The stock query: reads {@code shop.catalog.v1} (the catalog's outbox, services/catalog/README.md "Outbox"), keeps
 * analytics.stock_levels as the newest version per SKU and location, raises {@code sold_out} when a location runs
 * out, and keeps the product names of analytics.products current from product events. Explicit schema, watermark
 * on occurred_at, deduplication by (tenant_id, event_id) within it, exactly-once sink ({@link StockSink}).
 */
public final class StockJob {

    public static final String QUERY = "stock";

    /** The product's fields analytics uses; the catalog sends its full state (services/catalog model.Product). */
    static final StructType PRODUCT = new StructType().add("sku", DataTypes.StringType)
            .add("name", DataTypes.StringType).add("brand", DataTypes.StringType)
            .add("category", DataTypes.StringType).add("updated_at", DataTypes.StringType);

    /** services/catalog model.Stock: available = on_hand - reserved, version counts changes per SKU and location. */
    static final StructType INVENTORY = new StructType().add("sku", DataTypes.StringType)
            .add("location", DataTypes.StringType).add("on_hand", DataTypes.LongType)
            .add("reserved", DataTypes.LongType).add("available", DataTypes.LongType)
            .add("version", DataTypes.LongType).add("updated_at", DataTypes.StringType);

    /** Times are read as text and cast, which takes any RFC 3339 form. */
    public static final StructType SCHEMA = new StructType().add("event_id", DataTypes.StringType)
            .add("type", DataTypes.StringType).add("tenant_id", DataTypes.StringType)
            .add("occurred_at", DataTypes.StringType).add("product", PRODUCT).add("inventory", INVENTORY);

    private StockJob() {
    }

    public static StreamingQuery start(SparkSession spark, JobConfig config, boolean availableNow)
            throws TimeoutException {
        Streams.Checkpoint checkpoint = Streams.checkpoint(config, QUERY, config.topics().catalog());
        Dataset<Row> changes = parse(Streams.kafka(spark, config, config.topics().catalog(), QUERY, checkpoint))
                .withWatermark("occurred_at", config.latenessSpark())
                // The outbox relay delivers at least once: a redelivered event has the same id.
                .dropDuplicatesWithinWatermark("tenant_id", "event_id");
        return ExactlyOnceQuery.start(changes, OutputMode.Append(), QUERY, config, checkpoint, availableNow, rows -> {
            StockSink writer = new StockSink(rows);
            return c -> {
                StockSink.Result r = writer.write(c);
                return new ExactlyOnceQuery.Written(r.changes() == 0 && r.deadLetters() == 0
                        ? null
                        : String.format("%d stock changes, %d levels moved, %d products, %d alerts, %d dead letters",
                                r.changes(), r.levels(), r.products(), r.alerts(), r.deadLetters()),
                        null);
            };
        });
    }

    /**
     * Records as {@link Streams#kafka} reads them to one row per catalog event; an unreadable one carries a problem and
     * its Kafka coordinates.
     */
    static Dataset<Row> parse(Dataset<Row> records) {
        Dataset<Row> parsed = records.withColumn("e", from_json(col("raw"), SCHEMA, Map.of("mode", "PERMISSIVE")));
        Column occurred = col("e.occurred_at").cast("timestamp");
        Column type = col("e.type");
        Column problem = when(col("e").isNull(), lit("not a JSON object"))
                .when(col("e.tenant_id").isNull().or(col("e.tenant_id").rlike(Streams.UUID_PATTERN).unary_$bang()),
                        lit("tenant_id is missing or not a UUID"))
                .when(col("e.event_id").isNull(), lit("event_id is missing"))
                .when(type.isNull(), lit("type is missing"))
                .when(occurred.isNull(), lit("occurred_at is missing or not a time"))
                .when(type.equalTo(StockSink.INVENTORY_CHANGED).and(col("e.inventory.sku").isNull()
                        .or(col("e.inventory.location").isNull()).or(col("e.inventory.available").isNull())
                        .or(col("e.inventory.version").isNull())),
                        lit("inventory needs sku, location, available and version"))
                .when(type.startsWith("catalog.product.").or(type.equalTo("catalog.price.set"))
                        .and(col("e.product.sku").isNull()), lit("product.sku is missing"));
        Column ok = problem.isNull();
        return parsed.select(when(ok, col("e.tenant_id")).as("tenant_id"),
                // An unreadable record is its own key, so deduplication never merges two of them.
                when(ok, col("e.event_id")).otherwise(concat_ws(":", lit("kafka"), col("kafka_partition"),
                        col("kafka_offset"))).as("event_id"),
                col("e.type").as("type"),
                // A record that cannot be read keeps its arrival time, so the watermark treats it as current.
                coalesce(occurred, col("kafka_time")).as("occurred_at"),
                coalesce(col("e.inventory.sku"), col("e.product.sku")).as("sku"),
                col("e.product.name").as("name"), col("e.product.brand").as("brand"),
                col("e.product.category").as("category"),
                col("e.product.updated_at").cast("timestamp").as("product_updated_at"),
                col("e.inventory.location").as("location"), col("e.inventory.on_hand").as("on_hand"),
                col("e.inventory.reserved").as("reserved"), col("e.inventory.available").as("available"),
                col("e.inventory.version").as("version"),
                col("e.inventory.updated_at").cast("timestamp").as("stock_updated_at"), problem.as("problem"),
                when(ok.unary_$bang(), col("raw")).as("raw"), col("topic"), col("kafka_partition"),
                col("kafka_offset"));
    }
}
