-- Per-product figures (units, revenue per SKU over time) come from the analytics rollups, not from scanning order
-- lines, so the (tenant_id, sku, placed_at) index served no query of the platform. It cost about 40 % of the time of
-- loading lines (docs/data-model.md has the measurement); the lines of a time range are read by partition instead.
DROP INDEX order_lines_tenant_sku_placed;
