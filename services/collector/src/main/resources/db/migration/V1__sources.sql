-- A source is one place a tenant sends events from (a storefront, an app, a backend), with its own write key.
-- Only a SHA-256 hash of the key is stored: the key itself is shown once, when created or rotated.
CREATE TABLE sources (
    tenant_id       uuid        NOT NULL,
    source_id       uuid        NOT NULL,
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    write_key_hash  bytea       NOT NULL,
    key_prefix      text        NOT NULL,
    allowed_origins text[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text,
    rotated_at      timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, source_id)
);

-- The collector's hot lookup: write key -> tenant.
CREATE UNIQUE INDEX sources_write_key_hash_idx ON sources (write_key_hash);
-- A live source's name is its natural key within the tenant, which makes creation idempotent.
CREATE UNIQUE INDEX sources_live_name_idx ON sources (tenant_id, name) WHERE revoked_at IS NULL;
