package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Records a query could not read, into analytics.dead_letters in the batch's transaction. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** One unreadable record: where it was in Kafka, why it was refused, and the record as it came. */
    public record DeadLetter(String topic, int partition, long offset, String reason, String raw) {
    }

    /** Stores the records; one already stored (a replayed offset) is left as it was. */
    public static void write(Connection c, String query, List<DeadLetter> dead) throws SQLException {
        if (dead.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO dead_letters (query_name, topic, "
                + "kafka_partition, kafka_offset, reason, raw) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (DeadLetter d : dead) {
                insert.setString(1, query);
                insert.setString(2, d.topic());
                insert.setInt(3, d.partition());
                insert.setLong(4, d.offset());
                insert.setString(5, d.reason());
                // PostgreSQL text cannot hold NUL.
                insert.setString(6, d.raw() == null ? null : d.raw().replace("\u0000", ""));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
