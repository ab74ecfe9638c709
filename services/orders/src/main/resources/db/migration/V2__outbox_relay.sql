-- The outbox in the shape the shared relay (services/outbox) reads: the aggregate is the order. And the relay's
-- lease: only its holder relays, so two replicas never interleave one order's events.
ALTER TABLE outbox RENAME COLUMN order_id TO aggregate_id;

CREATE TABLE outbox_lease (
    name        text        PRIMARY KEY,
    holder      text,
    expires_at  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO outbox_lease (name) VALUES ('relay');
