package io.shoppulse.collector.repository;

import io.shoppulse.common.imports.CopyBuffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;

/**
 * Loads many validated events at once, idempotently by the primary key (tenant, event id, time): a re-imported file
 * changes nothing, and PostgreSQL routes every row into its day's partition.
 * <p>
 * An import batch is first COPied straight into {@code events} under a savepoint: most batches are new, and a direct
 * COPY costs about two thirds of staging the rows and inserting them again (measured: 194 against 97 + 175 ms for
 * 25,000 events), since it writes each heap page once and needs no speculative insertion. If a row is already
 * there (a file imported again, or extended), the COPY fails when it ends (the driver sends the whole batch before
 * it reads the server's error; the rows before the repeat are left as dead tuples), the savepoint undoes it, and the
 * batch takes the staged way: COPY into a temporary table, then one INSERT of the events the tenant did not have.
 * <p>
 * Live events (the archive of the events topic) always take the staged way, with a table of their own, since a
 * client's resent batch may repeat an event at a slightly different time.
 */
@ApplicationScoped
public class EventBulkLoader {

    /** The columns of an imported row, in {@link CopyBuffer} order. */
    public static final String IMPORT_COLUMNS = "tenant_id, event_id, occurred_at, type, session_id, anonymous_id,"
            + " user_id, origin, received_at, payload";
    private static final String UNIQUE_VIOLATION = "23505";

    /** Creates the connection's staging table once; it empties itself at every commit. */
    public void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_events (tenant_id uuid NOT NULL, event_id uuid NOT NULL,"
                    + " occurred_at timestamptz NOT NULL, type text NOT NULL, session_id text NOT NULL,"
                    + " anonymous_id text NOT NULL, user_id text, origin text NOT NULL,"
                    + " received_at timestamptz NOT NULL, payload jsonb NOT NULL) ON COMMIT DELETE ROWS");
        }
    }

    /** Loads imported rows in the caller's transaction; returns how many were new. */
    public long load(Connection c, CopyBuffer rows) throws SQLException {
        Savepoint direct = c.setSavepoint();
        try {
            long copied = rows.copyIn(c, "COPY events (" + IMPORT_COLUMNS + ") FROM STDIN");
            c.releaseSavepoint(direct);
            return copied;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(direct);
        }
        rows.copyIn(c, "COPY import_events (" + IMPORT_COLUMNS + ") FROM STDIN");
        try (Statement insert = c.createStatement()) {
            return insert.executeLargeUpdate("INSERT INTO events (" + IMPORT_COLUMNS + ") SELECT " + IMPORT_COLUMNS
                    + " FROM import_events ON CONFLICT DO NOTHING");
        }
    }

    /** The columns of a staged live row, in {@link CopyBuffer} order. */
    public static final String LIVE_COLUMNS = "tenant_id, event_id, occurred_at, type, session_id, anonymous_id,"
            + " user_id, source_id, received_at, payload";

    /** Creates the connection's staging table for live events once; it empties itself at every commit. */
    public void prepareLive(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS live_events (tenant_id uuid NOT NULL, event_id uuid NOT NULL,"
                    + " occurred_at timestamptz NOT NULL, type text NOT NULL, session_id text NOT NULL,"
                    + " anonymous_id text NOT NULL, user_id text, source_id uuid, received_at timestamptz NOT NULL,"
                    + " payload jsonb NOT NULL) ON COMMIT DELETE ROWS");
        }
    }

    /**
     * Loads live rows in the caller's transaction, with origin 'live'; returns how many were new. A row is not new
     * when its tenant already has its event id with an occurred_at within {@code duplicateWindow} of its own (a
     * client's resent batch is stamped again, so its skew-corrected time may differ a little), nor, through the
     * primary key, when it is the very same event. The rows of one call must not repeat an event id.
     */
    public long loadLive(Connection c, CopyBuffer rows, Duration duplicateWindow) throws SQLException {
        rows.copyIn(c, "COPY live_events (" + LIVE_COLUMNS + ") FROM STDIN");
        // OFFSET 0 keeps NOT EXISTS a subplan run per row, whose primary-key probe PostgreSQL prunes to the
        // partitions of that row's window; without it the planner may turn it into a hash anti-join that reads every
        // partition of the table.
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO events (tenant_id, event_id, occurred_at,"
                + " type, session_id, anonymous_id, user_id, source_id, origin, received_at, payload)"
                + " SELECT s.tenant_id, s.event_id, s.occurred_at, s.type, s.session_id, s.anonymous_id, s.user_id,"
                + " s.source_id, 'live', s.received_at, s.payload FROM live_events s WHERE NOT EXISTS (SELECT 1"
                + " FROM events e WHERE e.tenant_id = s.tenant_id AND e.event_id = s.event_id"
                + " AND e.occurred_at >= s.occurred_at - make_interval(secs => ?)"
                + " AND e.occurred_at <= s.occurred_at + make_interval(secs => ?) OFFSET 0)"
                + " ON CONFLICT DO NOTHING")) {
            double window = duplicateWindow.toMillis() / 1000.0;
            insert.setDouble(1, window);
            insert.setDouble(2, window);
            return insert.executeLargeUpdate();
        }
    }
}
