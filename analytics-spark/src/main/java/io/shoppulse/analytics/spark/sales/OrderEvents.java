package io.shoppulse.analytics.spark.sales;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The order events of {@code shop.orders.v1} (services/orders README, "Events on Kafka") as an explicit schema:
 * {@code {event_id, type, tenant_id, occurred_at, refund?, order}} with the order as it now is. Each counts at its
 * business time: placed_at, the refund's refunded_at, cancelled_at.
 */
public final class OrderEvents {

    private static final DataType MONEY = DataTypes.createDecimalType(19, 4);

    public static final StructType LINE = new StructType().add("kind", DataTypes.StringType)
            .add("sku", DataTypes.StringType).add("quantity", DataTypes.IntegerType).add("amount", MONEY)
            .add("refund_id", DataTypes.StringType);

    public static final StructType SCHEMA = new StructType().add("event_id", DataTypes.StringType)
            .add("type", DataTypes.StringType).add("tenant_id", DataTypes.StringType)
            .add("occurred_at", DataTypes.StringType)
            .add("refund", new StructType().add("refund_id", DataTypes.StringType).add("amount", MONEY)
                    .add("refunded_at", DataTypes.StringType))
            .add("order", new StructType().add("order_id", DataTypes.StringType)
                    .add("placed_at", DataTypes.StringType).add("cancelled_at", DataTypes.StringType)
                    .add("currency", DataTypes.StringType).add("country", DataTypes.StringType)
                    .add("total", MONEY).add("refunded", MONEY).add("lines", DataTypes.createArrayType(LINE)));

    /** The types that move sales figures; the others (paid, shipped, delivered) change no figure. */
    public static final String[] COUNTED = {"order.placed", "order.refunded", "order.cancelled"};

    private OrderEvents() {
    }

    /**
     * Records as {@link io.shoppulse.analytics.spark.stream.Streams#kafka} reads them (or a recompute's rebuilt events)
     * to rows {tenant_id, event_id, type, at, currency, country, total, refunded, refund_id, refund_amount, lines,
     * problem, raw, topic, kafka_partition, kafka_offset, dedup_key}; only counted types and unreadable records are
     * kept. Refused here is what the watermark and the deduplication need; what the sink needs of a record's content
     * it checks itself ({@link SalesSink#countable}).
     */
    public static Dataset<Row> parse(Dataset<Row> rows) {
        Dataset<Row> parsed = rows.withColumn("e", from_json(col("raw"), SCHEMA, Map.of("mode", "PERMISSIVE")));
        Column at = when(col("e.type").equalTo("order.placed"), col("e.order.placed_at"))
                .when(col("e.type").equalTo("order.refunded"), col("e.refund.refunded_at"))
                .when(col("e.type").equalTo("order.cancelled"), col("e.order.cancelled_at")).cast("timestamp");
        Column counted = col("e.type").isin((Object[]) COUNTED);
        Column problem = when(col("e").isNull(), lit("not a JSON object"))
                .when(col("e.tenant_id").isNull(), lit("tenant_id is missing"))
                .when(col("e.event_id").isNull(), lit("event_id is missing"))
                .when(col("e.type").isNull(), lit("type is missing"))
                .when(counted.and(at.isNull()), lit("the event's business time is missing or not a time"))
                // A time far ahead of the record's arrival would carry the shared watermark with it and make every
                // tenant's events late: such a record is refused instead.
                .when(counted.and(col("kafka_time").isNotNull())
                        .and(at.gt(col("kafka_time").plus(expr("INTERVAL 5 MINUTES")))),
                        lit("the event's business time is more than 5 minutes after it reached Kafka"));
        return parsed.withColumn("problem", problem).where(col("problem").isNotNull().or(counted))
                .select(col("e.tenant_id").as("tenant_id"), col("e.event_id").as("event_id"), col("e.type").as("type"),
                        coalesce(at, col("kafka_time")).as("at"), col("e.order.order_id").as("order_id"),
                        col("e.order.currency").as("currency"), coalesce(col("e.order.country"), lit("")).as("country"),
                        col("e.order.total").as("total"), coalesce(col("e.order.refunded"), lit(0)).cast(MONEY)
                                .as("refunded"),
                        col("e.refund.refund_id").as("refund_id"), col("e.refund.amount").as("refund_amount"),
                        col("e.order.lines").as("lines"), col("problem"),
                        when(col("problem").isNotNull(), col("raw")).as("raw"), col("topic"), col("kafka_partition"),
                        col("kafka_offset"),
                        // The deduplication key: the event id, or for a record that cannot be read its offset.
                        when(col("problem").isNull(), concat_ws(":", col("e.tenant_id"), col("e.event_id")))
                                .otherwise(concat_ws(":", col("topic"), col("kafka_partition"), col("kafka_offset")))
                                .as("dedup_key"));
    }
}
