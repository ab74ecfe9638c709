package io.shoppulse.analytics.spark.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The exactly-once record of each query: the last micro-batch applied per (query, checkpoint), read under a row lock
 * and advanced in the transaction that applies the batch. A batch Spark replays after a crash finds itself recorded
 * and changes nothing.
 */
public final class BatchCommits {

    private BatchCommits() {
    }

    /** Locks the query's row and answers whether {@code batchId} is still to be applied. */
    public static boolean claim(Connection c, String query, String checkpointId, long batchId) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO spark_commits (query_name, checkpoint_id, "
                + "batch_id) VALUES (?, ?, -1) ON CONFLICT DO NOTHING")) {
            insert.setString(1, query);
            insert.setString(2, checkpointId);
            insert.executeUpdate();
        }
        try (PreparedStatement select = c.prepareStatement(
                "SELECT batch_id FROM spark_commits WHERE query_name = ? AND checkpoint_id = ? FOR UPDATE")) {
            select.setString(1, query);
            select.setString(2, checkpointId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1) < batchId;
            }
        }
    }

    public static void record(Connection c, String query, String checkpointId, long batchId) throws SQLException {
        try (PreparedStatement update = c
                .prepareStatement("UPDATE spark_commits SET batch_id = ?, committed_at = now() "
                        + "WHERE query_name = ? AND checkpoint_id = ?")) {
            update.setLong(1, batchId);
            update.setString(2, query);
            update.setString(3, checkpointId);
            update.executeUpdate();
        }
    }

    /** Whether the query has ever committed under a checkpoint other than this one (a replaced checkpoint). */
    public static boolean committedElsewhere(Connection c, String query, String checkpointId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM spark_commits WHERE "
                + "query_name = ? AND checkpoint_id <> ? AND batch_id >= 0)")) {
            select.setString(1, query);
            select.setString(2, checkpointId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
