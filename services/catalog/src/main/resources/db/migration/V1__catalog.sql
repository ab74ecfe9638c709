-- The product catalog of each tenant: categories, products, prices per currency, inventory per location, and the
-- outbox of catalog events. None of these tables is time-partitioned: they hold entities that are updated in place
-- (one row per product, price or stock level), not facts appended over time, so there is no time column to
-- partition by and no history to drop (docs/data-conventions.md partitions time series only).
-- Keys and paths use the "C" collation: byte order, so that a B-tree answers prefix searches (LIKE 'apparel/%')
-- and keyset pagination compares exactly what the cursor holds.

CREATE TABLE categories (
    tenant_id   uuid        NOT NULL,
    path        text        COLLATE "C" NOT NULL
                            CHECK (path ~ '^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$' AND length(path) <= 255),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, path)
);

CREATE TABLE products (
    tenant_id    uuid        NOT NULL,
    sku          text        COLLATE "C" NOT NULL,
    name         text        NOT NULL,
    description  text,
    -- A product's category must be one of the tenant's categories: the database refuses any other.
    category     text        COLLATE "C",
    brand        text,
    attributes   jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    images       text[]      NOT NULL DEFAULT '{}',
    status       text        NOT NULL CHECK (status IN ('active', 'archived')),
    version      bigint      NOT NULL CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Full-text search: name weighs most (A), then brand (B), category (C) and description (D). English stemming,
    -- so "running shoes" finds "Run Shoe"; the category's slashes and hyphens separate its words.
    search       tsvector    GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', name), 'A')
                     || setweight(to_tsvector('english', coalesce(brand, '')), 'B')
                     || setweight(to_tsvector('english', translate(coalesce(category, ''), '/-_', '   ')), 'C')
                     || setweight(to_tsvector('english', coalesce(description, '')), 'D')) STORED,
    PRIMARY KEY (tenant_id, sku),
    CONSTRAINT products_category_known FOREIGN KEY (tenant_id, category) REFERENCES categories (tenant_id, path)
);

-- Searches (websearch_to_tsquery ... @@ search), filtered by tenant afterwards: the GIN index finds the matches.
CREATE INDEX products_search ON products USING gin (search);
-- Listing by category prefix or brand, per tenant, in SKU order (the keyset).
CREATE INDEX products_tenant_category ON products (tenant_id, category, sku);
CREATE INDEX products_tenant_brand ON products (tenant_id, brand, sku);

-- Money is numeric: exact, never floating point; amounts have no more decimals than their currency.
CREATE TABLE prices (
    tenant_id   uuid           NOT NULL,
    sku         text           COLLATE "C" NOT NULL,
    currency    char(3)        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount      numeric(19, 4) NOT NULL CHECK (amount >= 0),
    updated_at  timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sku, currency),
    FOREIGN KEY (tenant_id, sku) REFERENCES products (tenant_id, sku)
);

-- Stock of a product at one location (warehouse, store). available is derived, never written.
CREATE TABLE inventory (
    tenant_id   uuid        NOT NULL,
    sku         text        COLLATE "C" NOT NULL,
    location    text        COLLATE "C" NOT NULL,
    on_hand     integer     NOT NULL CHECK (on_hand >= 0),
    reserved    integer     NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    available   integer     GENERATED ALWAYS AS (on_hand - reserved) STORED,
    version     bigint      NOT NULL CHECK (version >= 1),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sku, location),
    FOREIGN KEY (tenant_id, sku) REFERENCES products (tenant_id, sku)
);

-- Transactional outbox: written in the same transaction as the change, relayed to Kafka shop.catalog.v1 in id order
-- by the shared relay (key tenant_id:aggregate_id, so one product's events stay in order).
CREATE TABLE outbox (
    id            bigserial   PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    aggregate_id  text        NOT NULL,
    event_id      uuid        NOT NULL UNIQUE,
    event_type    text        NOT NULL,
    payload       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
