-- The analytics schema: what the Spark jobs (analytics-spark) compute from shop.events.v1, shop.orders.v1,
-- shop.catalog.v1 and shop.events.dlq.v1, and what the analytics service serves. Every figure is defined once in
-- docs/metrics.md. Rollups are keyed by (tenant, bucket, group) and only ever changed by adding a batch's deltas in
-- the same transaction that records the batch (spark_commits), so a replayed batch changes nothing.
--
-- Partitioning (docs/data-conventions.md): minute grain by UTC day (30 days kept), hour grain by month (13 months),
-- day grain by month (kept). The analytics service keeps partitions ahead and applies retention; the Spark sink asks
-- ensure_partitions() for any older bucket it writes (late data, backfill, recompute).

-- Which micro-batch of which query was applied last: the exactly-once record. One row per (query, checkpoint):
-- a query restarted on a new checkpoint counts its batches from 0 again. System metadata, not tenant data.
CREATE TABLE spark_commits (
    query_name    text        NOT NULL,
    checkpoint_id text        NOT NULL,
    batch_id      bigint      NOT NULL,
    committed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (query_name, checkpoint_id)
);

-- Creates the partitions of parent that cover [from_ts, to_ts), named as common's PartitionMaintainer names them,
-- under the same advisory lock, so the service's maintenance and the Spark sink never race.
CREATE FUNCTION ensure_partitions(parent text, granularity text, from_ts timestamptz, to_ts timestamptz)
    RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    step    interval := CASE granularity WHEN 'day' THEN interval '1 day' WHEN 'month' THEN interval '1 month' END;
    start   timestamp;
    schema_name text := split_part(parent, '.', 1);
    rel_name    text := split_part(parent, '.', 2);
    part    text;
    made    integer := 0;
BEGIN
    IF step IS NULL THEN
        RAISE EXCEPTION 'granularity must be day or month, not %', granularity;
    END IF;
    start := date_trunc(granularity, from_ts AT TIME ZONE 'UTC');
    WHILE start < (to_ts AT TIME ZONE 'UTC') LOOP
        part := rel_name || '_p' || to_char(start, CASE granularity WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END);
        IF to_regclass(format('%I.%I', schema_name, part)) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtext('partitions:' || parent));
            IF to_regclass(format('%I.%I', schema_name, part)) IS NULL THEN
                EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)', schema_name,
                               part, schema_name, rel_name, start::text || '+00', (start + step)::text || '+00');
                made := made + 1;
            END IF;
        END IF;
        start := start + step;
    END LOOP;
    RETURN made;
END
$$;

-- Traffic per bucket and slice (channel = utm source/medium or '(direct)', device class). Session figures count a
-- session in the bucket of its start; event figures count each event in the bucket of its occurred_at.
CREATE TABLE traffic_minute (
    tenant_id            uuid        NOT NULL,
    bucket               timestamptz NOT NULL,
    channel              text        NOT NULL,
    device               text        NOT NULL,
    sessions             bigint      NOT NULL DEFAULT 0,
    new_sessions         bigint      NOT NULL DEFAULT 0,
    bounced_sessions     bigint      NOT NULL DEFAULT 0,
    product_view_sessions bigint     NOT NULL DEFAULT 0,
    cart_sessions        bigint      NOT NULL DEFAULT 0,
    checkout_sessions    bigint      NOT NULL DEFAULT 0,
    converted_sessions   bigint      NOT NULL DEFAULT 0,
    abandoned_cart_sessions bigint   NOT NULL DEFAULT 0,
    session_seconds      bigint      NOT NULL DEFAULT 0,
    page_views           bigint      NOT NULL DEFAULT 0,
    product_views        bigint      NOT NULL DEFAULT 0,
    add_to_carts         bigint      NOT NULL DEFAULT 0,
    checkouts            bigint      NOT NULL DEFAULT 0,
    purchases            bigint      NOT NULL DEFAULT 0,
    events               bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket, channel, device)
) PARTITION BY RANGE (bucket);
CREATE TABLE traffic_hour (LIKE traffic_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket, channel, device))
    PARTITION BY RANGE (bucket);
CREATE TABLE traffic_day (LIKE traffic_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket, channel, device))
    PARTITION BY RANGE (bucket);

-- Distinct visitors per tenant and bucket (not additive across buckets, so counted per grain from presence rows).
CREATE TABLE visitors_minute (
    tenant_id uuid        NOT NULL,
    bucket    timestamptz NOT NULL,
    users     bigint      NOT NULL DEFAULT 0,
    new_users bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket)
) PARTITION BY RANGE (bucket);
CREATE TABLE visitors_hour (LIKE visitors_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket))
    PARTITION BY RANGE (bucket);
CREATE TABLE visitors_day (LIKE visitors_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket))
    PARTITION BY RANGE (bucket);

-- A visitor seen in a bucket: a row once per (grain, bucket, visitor); its insertion is what counts a user.
CREATE TABLE visitor_presence (
    tenant_id  uuid        NOT NULL,
    grain      text        NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
    bucket     timestamptz NOT NULL,
    visitor_id text        NOT NULL,
    PRIMARY KEY (tenant_id, grain, bucket, visitor_id)
) PARTITION BY RANGE (bucket);

-- Every visitor once, with the start of their first session: decides new versus returning.
CREATE TABLE visitors (
    tenant_id        uuid        NOT NULL,
    visitor_id       text        NOT NULL,
    first_session_id text        NOT NULL,
    first_seen       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, visitor_id)
);

-- Sessions as they stand (30 minutes of inactivity end one), by the UTC day of their start.
CREATE TABLE sessions (
    tenant_id      uuid        NOT NULL,
    session_id     text        NOT NULL,
    started_at     timestamptz NOT NULL,
    last_event_at  timestamptz NOT NULL,
    visitor_id     text        NOT NULL,
    channel        text        NOT NULL,
    device         text        NOT NULL,
    landing_page   text,
    exit_page      text,
    page_views     integer     NOT NULL,
    events         integer     NOT NULL,
    viewed_product boolean     NOT NULL,
    added_to_cart  boolean     NOT NULL,
    began_checkout boolean     NOT NULL,
    purchased      boolean     NOT NULL,
    new_visitor    boolean     NOT NULL,
    ended          boolean     NOT NULL,
    PRIMARY KEY (tenant_id, session_id, started_at)
) PARTITION BY RANGE (started_at);

-- Product behaviour per bucket (from events) and product sales per bucket and currency (from orders).
CREATE TABLE product_minute (
    tenant_id    uuid        NOT NULL,
    bucket       timestamptz NOT NULL,
    item_id      text        NOT NULL,
    views        bigint      NOT NULL DEFAULT 0,
    add_to_carts bigint      NOT NULL DEFAULT 0,
    purchases    bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket, item_id)
) PARTITION BY RANGE (bucket);
CREATE TABLE product_hour (LIKE product_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket, item_id))
    PARTITION BY RANGE (bucket);

CREATE TABLE product_sales_minute (
    tenant_id       uuid          NOT NULL,
    bucket          timestamptz   NOT NULL,
    item_id         text          NOT NULL,
    currency        char(3)       NOT NULL,
    units           bigint        NOT NULL DEFAULT 0,
    revenue         numeric(19,4) NOT NULL DEFAULT 0,
    refunded_units  bigint        NOT NULL DEFAULT 0,
    refunded_amount numeric(19,4) NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket, item_id, currency)
) PARTITION BY RANGE (bucket);
CREATE TABLE product_sales_hour (LIKE product_sales_minute INCLUDING DEFAULTS,
    PRIMARY KEY (tenant_id, bucket, item_id, currency)) PARTITION BY RANGE (bucket);

-- What the events told about each product (name, brand, category path), for roll-ups and alerts.
CREATE TABLE products (
    tenant_id  uuid        NOT NULL,
    item_id    text        NOT NULL,
    name       text,
    brand      text,
    category   text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, item_id)
);

-- Sales per bucket, currency (never converted) and the order's country.
CREATE TABLE sales_minute (
    tenant_id          uuid          NOT NULL,
    bucket             timestamptz   NOT NULL,
    currency           char(3)       NOT NULL,
    country            text          NOT NULL,
    orders             bigint        NOT NULL DEFAULT 0,
    units              bigint        NOT NULL DEFAULT 0,
    gross_revenue      numeric(19,4) NOT NULL DEFAULT 0,
    refunds            bigint        NOT NULL DEFAULT 0,
    refunded_amount    numeric(19,4) NOT NULL DEFAULT 0,
    cancellations      bigint        NOT NULL DEFAULT 0,
    cancelled_amount   numeric(19,4) NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket, currency, country)
) PARTITION BY RANGE (bucket);
CREATE TABLE sales_hour (LIKE sales_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket, currency, country))
    PARTITION BY RANGE (bucket);
CREATE TABLE sales_day (LIKE sales_minute INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, bucket, currency, country))
    PARTITION BY RANGE (bucket);

-- Pairs of products seen together: viewed in one session, or bought in one order (item_a < item_b).
CREATE TABLE co_occurrence (
    tenant_id uuid   NOT NULL,
    kind      text   NOT NULL CHECK (kind IN ('viewed', 'bought')),
    item_a    text   NOT NULL,
    item_b    text   NOT NULL,
    count     bigint NOT NULL,
    CHECK (item_a < item_b),
    PRIMARY KEY (tenant_id, kind, item_a, item_b)
);

-- Events the collector refused, per minute, checkout steps apart (a broken checkout costs sales at once).
CREATE TABLE intake_errors_minute (
    tenant_id uuid        NOT NULL,
    bucket    timestamptz NOT NULL,
    checkout  boolean     NOT NULL,
    errors    bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bucket, checkout)
) PARTITION BY RANGE (bucket);

-- Catalogue stock as last seen per SKU and location: a drop to zero raises sold_out.
CREATE TABLE stock_levels (
    tenant_id  uuid        NOT NULL,
    sku        text        NOT NULL,
    location   text        NOT NULL,
    available  bigint      NOT NULL,
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, sku, location)
);

-- Alerts: the id derives from the condition, so the same condition raises one alert however often it is seen.
-- published_at is set once shop.alerts.v1 has acknowledged it.
CREATE TABLE alerts (
    tenant_id    uuid        NOT NULL,
    alert_id     text        NOT NULL,
    kind         text        NOT NULL,
    severity     text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    occurred_at  timestamptz NOT NULL,
    title        text        NOT NULL,
    details      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    PRIMARY KEY (tenant_id, alert_id)
);
CREATE INDEX alerts_tenant_occurred_idx ON alerts (tenant_id, occurred_at DESC);
CREATE INDEX alerts_unpublished_idx ON alerts (created_at) WHERE published_at IS NULL;

-- Records no query could read, with the reason and the record as it came.
CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    query_name  text        NOT NULL,
    topic       text        NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint     NOT NULL,
    reason      text        NOT NULL,
    raw         text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, kafka_partition, kafka_offset)
);

-- Closed hours already checked for anomalies, per tenant and kind (revenue per currency, conversion).
CREATE TABLE anomaly_checks (
    tenant_id  uuid        NOT NULL,
    kind       text        NOT NULL,
    hour       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, kind, hour)
);

-- Roll-ups by category (top level of the category path) and brand, over the product hours.
CREATE VIEW category_hour AS
SELECT p.tenant_id, p.bucket, coalesce(split_part(d.category, '/', 1), '(none)') AS category,
       sum(p.views) AS views, sum(p.add_to_carts) AS add_to_carts, sum(p.purchases) AS purchases
FROM product_hour p
         LEFT JOIN products d ON d.tenant_id = p.tenant_id AND d.item_id = p.item_id
GROUP BY 1, 2, 3;

CREATE VIEW brand_hour AS
SELECT p.tenant_id, p.bucket, coalesce(d.brand, '(none)') AS brand,
       sum(p.views) AS views, sum(p.add_to_carts) AS add_to_carts, sum(p.purchases) AS purchases
FROM product_hour p
         LEFT JOIN products d ON d.tenant_id = p.tenant_id AND d.item_id = p.item_id
GROUP BY 1, 2, 3;

-- The funnel per hour, by session: view_item -> add_to_cart -> begin_checkout -> purchase.
CREATE VIEW funnel_hour AS
SELECT tenant_id, bucket, sum(sessions) AS sessions, sum(product_view_sessions) AS viewed_product,
       sum(cart_sessions) AS added_to_cart, sum(checkout_sessions) AS began_checkout,
       sum(converted_sessions) AS purchased
FROM traffic_hour
GROUP BY 1, 2;

-- Trending score of a product for an hour: (views + 1) in that hour over (mean hourly views + 1) in the 24 hours
-- before it (docs/metrics.md). A function of the hour, since the baseline is relative to it.
CREATE FUNCTION product_trending(p_tenant uuid, p_hour timestamptz)
    RETURNS TABLE (item_id text, views bigint, baseline numeric, score numeric)
    LANGUAGE sql STABLE AS
$$
SELECT cur.item_id, cur.views, round(coalesce(base.total, 0) / 24.0, 4),
       round((cur.views + 1) / (coalesce(base.total, 0) / 24.0 + 1), 4)
FROM product_hour cur
         LEFT JOIN (SELECT item_id, sum(views) AS total
                    FROM product_hour
                    WHERE tenant_id = p_tenant AND bucket >= p_hour - interval '24 hours' AND bucket < p_hour
                    GROUP BY item_id) base ON base.item_id = cur.item_id
WHERE cur.tenant_id = p_tenant AND cur.bucket = date_trunc('hour', p_hour)
ORDER BY 4 DESC, cur.item_id
$$;
