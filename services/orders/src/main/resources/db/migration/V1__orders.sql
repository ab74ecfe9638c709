-- Orders and their lines, partitioned by the month of placed_at (partitions are made by PartitionMaintenance).
-- Every row carries its tenant. Money is numeric: exact, never floating point; each order has one currency.

-- The storefront's order id is the natural key. A partitioned table can only enforce keys that include the
-- partition column, so this small table makes (tenant, order id) unique and says which partition holds the order.
CREATE TABLE order_keys (
    tenant_id   uuid        NOT NULL,
    order_id    text        NOT NULL,
    placed_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, order_id)
);

CREATE TABLE orders (
    tenant_id      uuid           NOT NULL,
    order_id       text           NOT NULL,
    placed_at      timestamptz    NOT NULL,
    status         text           NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    currency       char(3)        NOT NULL,
    customer_id    text,
    anonymous_id   text,
    session_id     text,
    country        char(2),
    subtotal       numeric(19, 4) NOT NULL,
    discount       numeric(19, 4) NOT NULL DEFAULT 0,
    tax            numeric(19, 4) NOT NULL DEFAULT 0,
    shipping       numeric(19, 4) NOT NULL DEFAULT 0,
    total          numeric(19, 4) NOT NULL,
    refunded       numeric(19, 4) NOT NULL DEFAULT 0,
    paid_at        timestamptz,
    shipped_at     timestamptz,
    delivered_at   timestamptz,
    cancelled_at   timestamptz,
    cancel_reason  text,
    origin         text           NOT NULL DEFAULT 'live' CHECK (origin IN ('live', 'import')),
    version        integer        NOT NULL DEFAULT 1,
    updated_at     timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, order_id, placed_at),
    CHECK (refunded >= 0 AND refunded <= total)
) PARTITION BY RANGE (placed_at);

-- Revenue over time per tenant, and the order list, read by time range.
CREATE INDEX orders_tenant_placed ON orders (tenant_id, placed_at);

-- Sales lines (kind 'sale', quantity > 0) and refund lines (kind 'refund', quantity >= 0, amount < 0).
CREATE TABLE order_lines (
    tenant_id   uuid           NOT NULL,
    order_id    text           NOT NULL,
    placed_at   timestamptz    NOT NULL,
    line_no     integer        NOT NULL,
    kind        text           NOT NULL CHECK (kind IN ('sale', 'refund')),
    sku         text           NOT NULL,
    name        text,
    quantity    integer        NOT NULL,
    unit_price  numeric(19, 4) NOT NULL,
    discount    numeric(19, 4) NOT NULL DEFAULT 0,
    amount      numeric(19, 4) NOT NULL,
    refund_id   text,
    created_at  timestamptz    NOT NULL,
    PRIMARY KEY (tenant_id, order_id, placed_at, line_no)
) PARTITION BY RANGE (placed_at);

-- Product performance: units and revenue per SKU over time.
CREATE INDEX order_lines_tenant_sku_placed ON order_lines (tenant_id, sku, placed_at);

-- A refund is identified by the storefront's refund id: a replayed refund changes nothing.
CREATE TABLE refunds (
    tenant_id    uuid           NOT NULL,
    order_id     text           NOT NULL,
    refund_id    text           NOT NULL,
    amount       numeric(19, 4) NOT NULL CHECK (amount > 0),
    refunded_at  timestamptz    NOT NULL,
    PRIMARY KEY (tenant_id, order_id, refund_id)
);

-- Commands already applied, by the sender's message id (RabbitMQ message id or the Idempotency-Key header).
CREATE TABLE processed_messages (
    tenant_id     uuid        NOT NULL,
    message_id    text        NOT NULL,
    order_id      text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id)
);

-- Transactional outbox: written in the same transaction as the change, relayed to Kafka shop.orders.v1 in id order.
CREATE TABLE outbox (
    id          bigserial   PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    order_id    text        NOT NULL,
    event_id    uuid        NOT NULL UNIQUE,
    event_type  text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
