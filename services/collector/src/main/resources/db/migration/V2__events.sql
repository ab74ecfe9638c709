-- The raw event store: every event as the contract validated it, with the server's fields, from live intake
-- ('live') or a historical import ('import'). Analytics backfill and recompute read it. Partitioned by the UTC day of
-- occurred_at (docs/data-conventions.md); the partitions are made by the maintenance job and, for history, by the
-- import itself (no DEFAULT partition).
CREATE TABLE events (
    tenant_id    uuid        NOT NULL,
    event_id     uuid        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    type         text        NOT NULL,
    session_id   text        NOT NULL,
    anonymous_id text        NOT NULL,
    user_id      text,
    source_id    uuid,
    origin       text        NOT NULL CHECK (origin IN ('live', 'import')),
    received_at  timestamptz NOT NULL,
    payload      jsonb       NOT NULL,
    -- The partition key must be part of the key: an event is the same event when its id and time are.
    PRIMARY KEY (tenant_id, event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- A tenant's events over a time range: what backfill, recompute and per-tenant replays scan.
CREATE INDEX events_tenant_occurred_idx ON events (tenant_id, occurred_at);
