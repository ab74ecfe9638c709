package io.shoppulse.collector.repository;

import io.shoppulse.common.imports.CopyBuffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Loads many validated events at once: COPY into a temporary table, then one INSERT of the events the tenant did
 * not have yet (by the primary key tenant, event id, time). A re-imported file therefore changes nothing, and
 * PostgreSQL routes every row into its day's partition. What is the same for the whole import (tenant, origin,
 * receive time, no source) is added by the INSERT, not repeated on every COPY row.
 */
@ApplicationScoped
public class EventBulkLoader {

    /** The columns of a staged row, in {@link CopyBuffer} order. */
    public static final String STAGED_COLUMNS = "event_id, occurred_at, type, session_id, anonymous_id, user_id,"
            + " payload";

    /** Creates the connection's staging table once; it empties itself at every commit. */
    public void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS import_events (event_id uuid NOT NULL,"
                    + " occurred_at timestamptz NOT NULL, type text NOT NULL, session_id text NOT NULL,"
                    + " anonymous_id text NOT NULL, user_id text, payload jsonb NOT NULL) ON COMMIT DELETE ROWS");
        }
    }

    /** Loads the rows in the caller's transaction; returns how many were new. */
    public long load(Connection c, UUID tenant, Instant receivedAt, CopyBuffer rows) throws SQLException {
        rows.copyIn(c, "COPY import_events (" + STAGED_COLUMNS + ") FROM STDIN");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO events (tenant_id, event_id, occurred_at,"
                + " type, session_id, anonymous_id, user_id, source_id, origin, received_at, payload)"
                + " SELECT ?, event_id, occurred_at, type, session_id, anonymous_id, user_id, NULL, 'import', ?,"
                + " payload FROM import_events ON CONFLICT DO NOTHING")) {
            insert.setObject(1, tenant);
            insert.setObject(2, receivedAt.atOffset(ZoneOffset.UTC));
            return insert.executeLargeUpdate();
        }
    }
}
