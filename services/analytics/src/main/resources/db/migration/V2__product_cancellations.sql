-- A cancelled order takes back at the product level what its refunds had not: units and line amounts per SKU,
-- counted at cancelled_at, so product net revenue (revenue - refunded - cancelled) agrees with the orders'.
ALTER TABLE product_sales_minute
    ADD COLUMN cancelled_units  bigint        NOT NULL DEFAULT 0,
    ADD COLUMN cancelled_amount numeric(19,4) NOT NULL DEFAULT 0;
ALTER TABLE product_sales_hour
    ADD COLUMN cancelled_units  bigint        NOT NULL DEFAULT 0,
    ADD COLUMN cancelled_amount numeric(19,4) NOT NULL DEFAULT 0;
