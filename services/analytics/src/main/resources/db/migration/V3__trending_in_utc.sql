-- The trending score's hour is the UTC hour of p_hour whatever the session's time zone (date_trunc on timestamptz
-- otherwise cuts in the connection's zone, and a half-hour zone would never find a bucket), and its baseline is the
-- 24 hours before that hour, never the hour itself.
CREATE OR REPLACE FUNCTION product_trending(p_tenant uuid, p_hour timestamptz)
    RETURNS TABLE (item_id text, views bigint, baseline numeric, score numeric)
    LANGUAGE sql STABLE AS
$$
SELECT cur.item_id, cur.views, round(coalesce(base.total, 0) / 24.0, 4),
       round((cur.views + 1) / (coalesce(base.total, 0) / 24.0 + 1), 4)
FROM product_hour cur
         LEFT JOIN (SELECT item_id, sum(views) AS total
                    FROM product_hour
                    WHERE tenant_id = p_tenant AND bucket >= date_trunc('hour', p_hour, 'UTC') - interval '24 hours'
                      AND bucket < date_trunc('hour', p_hour, 'UTC')
                    GROUP BY item_id) base ON base.item_id = cur.item_id
WHERE cur.tenant_id = p_tenant AND cur.bucket = date_trunc('hour', p_hour, 'UTC')
ORDER BY 4 DESC, cur.item_id
$$;
