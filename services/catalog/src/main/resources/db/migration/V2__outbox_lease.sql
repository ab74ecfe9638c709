-- The shared relay's lease (services/outbox): only its holder relays, so two replicas never interleave one
-- product's events.
CREATE TABLE outbox_lease (
    name        text        PRIMARY KEY,
    holder      text,
    expires_at  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO outbox_lease (name) VALUES ('relay');
