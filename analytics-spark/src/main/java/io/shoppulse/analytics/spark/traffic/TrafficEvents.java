package io.shoppulse.analytics.spark.traffic;

import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/** How the traffic job reads event records: the fields of the contract it uses (docs/events.md), one pass each. */
public final class TrafficEvents {

    private TrafficEvents() {
    }

    /**
     * Records as {@link Streams#kafka} reads them (or a recompute's raw events) to events; unreadable ones carry a
     * problem.
     */
    public static Dataset<TrafficEvent> parse(Dataset<Row> rows) {
        return rows.select("raw", "topic", "kafka_partition", "kafka_offset", "kafka_time")
                .map((MapFunction<Row, TrafficEvent>) TrafficEvents::event, Encoders.bean(TrafficEvent.class));
    }

    static TrafficEvent event(Row r) {
        TrafficEvent e = EventParser.parse(r.isNullAt(0) ? "" : r.getString(0), r.getTimestamp(4));
        e.setTopic(r.getString(1));
        e.setKafkaPartition(r.isNullAt(2) ? null : r.getInt(2));
        e.setKafkaOffset(r.isNullAt(3) ? null : r.getLong(3));
        return e;
    }
}
