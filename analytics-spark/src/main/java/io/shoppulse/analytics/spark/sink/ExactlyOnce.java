package io.shoppulse.analytics.spark.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Applies one micro-batch in one PostgreSQL transaction together with its batch record, so a batch Spark replays
 * after a crash changes nothing. A lost connection or an outage is retried with back-off until the database is back
 * (the query waits; Kafka keeps the records); any other error fails the query loudly.
 */
public final class ExactlyOnce {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnce.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Work inside the batch's transaction. */
    @FunctionalInterface
    public interface Work {
        void run(Connection c) throws SQLException;
    }

    private ExactlyOnce() {
    }

    /**
     * Runs {@code prepare} (committed on its own: partitions), then {@code apply} with the batch record in one
     * transaction, then {@code afterCommit} on the same connection (its failure is logged: what it did not do is left
     * for the next batch). Answers false when the batch had been applied before.
     */
    public static boolean apply(Postgres.Kept db, String query, String checkpointId, long batchId, Work prepare,
            Work apply, Work afterCommit) {
        long backoff = 200;
        while (true) {
            try {
                Connection c = db.get();
                try {
                    prepare.run(c);
                    c.commit();
                    if (!BatchCommits.claim(c, query, checkpointId, batchId)) {
                        c.rollback();
                        LOG.info("{} batch {} was applied before; skipped", query, batchId);
                        return false;
                    }
                    apply.run(c);
                    BatchCommits.record(c, query, checkpointId, batchId);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                try {
                    afterCommit.run(c);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("{} batch {}: after the commit: {}", query, batchId, e.getMessage());
                    c.rollback();
                }
                return true;
            } catch (SQLException e) {
                db.discard();
                if (!transient_(e)) {
                    throw new IllegalStateException(query + " batch " + batchId + " failed: " + e.getMessage(), e);
                }
                LOG.warn("{} batch {}: PostgreSQL unavailable ({}); retrying in {} ms", query, batchId,
                        e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(query + " interrupted while waiting for PostgreSQL", e);
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    /** Connection failures (08), serialization failures and deadlocks (40), admin shutdown (57P). */
    static boolean transient_(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("40") || state.startsWith("57P")
                        || state.equals("53300")) {
                    return true;
                }
            }
        }
        return false;
    }
}
