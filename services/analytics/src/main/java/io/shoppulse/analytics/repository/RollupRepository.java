package io.shoppulse.analytics.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoppulse.analytics.live.LiveCounters;
import io.shoppulse.analytics.model.Alert;
import io.shoppulse.analytics.model.Grain;
import io.shoppulse.analytics.model.Trending;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads the rollups the Spark jobs write into the analytics schema. Every query is filtered by tenant first (the
 * leading column of every key); table names come only from {@link Grain}, never from a request.
 */
@ApplicationScoped
public class RollupRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sums of traffic_<grain> over channel and device for one bucket. */
    public record TrafficRow(long sessions, long newSessions, long bouncedSessions, long convertedSessions,
            long cartSessions, long abandonedCartSessions, long sessionSeconds, long pageViews, long productViews,
            long addToCarts, long checkouts, long purchases) {
    }

    public record VisitorsRow(long users, long newUsers) {
    }

    public record SalesRow(long orders, long units, BigDecimal grossRevenue, BigDecimal refundedAmount,
            BigDecimal cancelledAmount) {
    }

    public record ProductRow(String itemId, String name, String brand, String category, long views,
            long addToCarts, long purchases) {
    }

    public record ProductSalesRow(long units, BigDecimal revenue, long refundedUnits, BigDecimal refundedAmount,
            long cancelledUnits, BigDecimal cancelledAmount) {
    }

    public Map<Instant, TrafficRow> traffic(Connection c, Grain grain, UUID tenant, Instant from, Instant to,
            String channel, String device) throws SQLException {
        String sql = "SELECT bucket, sum(sessions), sum(new_sessions), sum(bounced_sessions), sum(converted_sessions),"
                + " sum(cart_sessions), sum(abandoned_cart_sessions), sum(session_seconds), sum(page_views),"
                + " sum(product_views), sum(add_to_carts), sum(checkouts), sum(purchases) FROM traffic_"
                + grain.suffix() + " WHERE tenant_id = ? AND bucket >= ? AND bucket < ?"
                + (channel != null ? " AND channel = ?" : "") + (device != null ? " AND device = ?" : "")
                + " GROUP BY bucket";
        Map<Instant, TrafficRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = range(ps, tenant, from, to);
            if (channel != null) {
                ps.setString(++i, channel);
            }
            if (device != null) {
                ps.setString(++i, device);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getTimestamp(1).toInstant(), new TrafficRow(rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13)));
                }
            }
        }
        return rows;
    }

    public Map<Instant, VisitorsRow> visitors(Connection c, Grain grain, UUID tenant, Instant from, Instant to)
            throws SQLException {
        String sql = "SELECT bucket, users, new_users FROM visitors_" + grain.suffix()
                + " WHERE tenant_id = ? AND bucket >= ? AND bucket < ?";
        Map<Instant, VisitorsRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            range(ps, tenant, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getTimestamp(1).toInstant(), new VisitorsRow(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return rows;
    }

    /** Sales per bucket and currency, summed over countries. */
    public Map<Instant, Map<String, SalesRow>> sales(Connection c, Grain grain, UUID tenant, Instant from,
            Instant to) throws SQLException {
        String sql = "SELECT bucket, currency, sum(orders), sum(units), sum(gross_revenue), sum(refunded_amount),"
                + " sum(cancelled_amount) FROM sales_" + grain.suffix()
                + " WHERE tenant_id = ? AND bucket >= ? AND bucket < ? GROUP BY bucket, currency";
        Map<Instant, Map<String, SalesRow>> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            range(ps, tenant, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getTimestamp(1).toInstant(), b -> new TreeMap<>()).put(
                            rs.getString(2).trim(), new SalesRow(rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5),
                                    rs.getBigDecimal(6), rs.getBigDecimal(7)));
                }
            }
        }
        return rows;
    }

    /**
     * The top products of [from, to) by {@code sortColumn} (views, add_to_carts, purchases, or revenue in
     * {@code currency}), with what the events told about them.
     */
    public List<ProductRow> topProducts(Connection c, UUID tenant, Instant from, Instant to, String sortColumn,
            String currency, int limit) throws SQLException {
        String order = switch (sortColumn) {
            case "views", "add_to_carts", "purchases", "revenue" -> sortColumn;
            default -> throw new IllegalArgumentException(sortColumn);
        };
        String sql = "WITH b AS (SELECT item_id, sum(views) AS views, sum(add_to_carts) AS add_to_carts,"
                + " sum(purchases) AS purchases FROM product_hour WHERE tenant_id = ? AND bucket >= ? AND bucket < ?"
                + " GROUP BY item_id),"
                + " s AS (SELECT item_id, sum(revenue) FILTER (WHERE currency = ?) AS revenue FROM product_sales_hour"
                + " WHERE tenant_id = ? AND bucket >= ? AND bucket < ? GROUP BY item_id),"
                + " p AS (SELECT coalesce(b.item_id, s.item_id) AS item_id, coalesce(b.views, 0) AS views,"
                + " coalesce(b.add_to_carts, 0) AS add_to_carts, coalesce(b.purchases, 0) AS purchases,"
                + " coalesce(s.revenue, 0) AS revenue FROM b FULL JOIN s ON s.item_id = b.item_id)"
                + " SELECT p.item_id, d.name, d.brand, d.category, p.views, p.add_to_carts, p.purchases FROM p"
                + " LEFT JOIN products d ON d.tenant_id = ? AND d.item_id = p.item_id"
                + " ORDER BY p." + order + " DESC, p.item_id LIMIT ?";
        List<ProductRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = range(ps, tenant, from, to);
            ps.setString(++i, currency);
            i = range(ps, i, tenant, from, to);
            ps.setObject(++i, tenant);
            ps.setInt(++i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ProductRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return rows;
    }

    /** Sales of the given products in [from, to), per product and currency. */
    public Map<String, Map<String, ProductSalesRow>> productSales(Connection c, UUID tenant, Instant from,
            Instant to, Collection<String> itemIds) throws SQLException {
        Map<String, Map<String, ProductSalesRow>> rows = new HashMap<>();
        if (itemIds.isEmpty()) {
            return rows;
        }
        String sql = "SELECT item_id, currency, sum(units), sum(revenue), sum(refunded_units), sum(refunded_amount),"
                + " sum(cancelled_units), sum(cancelled_amount) FROM product_sales_hour WHERE tenant_id = ? AND bucket >= ? AND bucket < ? AND item_id = ANY (?)"
                + " GROUP BY item_id, currency";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = range(ps, tenant, from, to);
            Array ids = c.createArrayOf("text", itemIds.toArray());
            ps.setArray(++i, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2).trim(),
                            new ProductSalesRow(rs.getLong(3), rs.getBigDecimal(4), rs.getLong(5),
                                    rs.getBigDecimal(6), rs.getLong(7), rs.getBigDecimal(8)));
                }
            }
        }
        return rows;
    }

    /** Sessions, viewed_product, added_to_cart, began_checkout, purchased over [from, to) (the funnel_hour view). */
    public long[] funnel(Connection c, UUID tenant, Instant from, Instant to) throws SQLException {
        String sql = "SELECT coalesce(sum(sessions), 0), coalesce(sum(viewed_product), 0),"
                + " coalesce(sum(added_to_cart), 0), coalesce(sum(began_checkout), 0), coalesce(sum(purchased), 0)"
                + " FROM funnel_hour WHERE tenant_id = ? AND bucket >= ? AND bucket < ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            range(ps, tenant, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
            }
        }
    }

    public List<Trending.Item> trending(Connection c, UUID tenant, Instant hour, int limit) throws SQLException {
        String sql = "SELECT t.item_id, d.name, t.views, t.baseline, t.score FROM product_trending(?, ?) t"
                + " LEFT JOIN products d ON d.tenant_id = ? AND d.item_id = t.item_id"
                + " ORDER BY t.score DESC, t.item_id LIMIT ?";
        List<Trending.Item> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            ps.setObject(2, at(hour));
            ps.setObject(3, tenant);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new Trending.Item(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4),
                            rs.getBigDecimal(5)));
                }
            }
        }
        return items;
    }

    public List<Alert> alerts(Connection c, UUID tenant, Instant from, Instant to, String kind, int limit)
            throws SQLException {
        String sql = "SELECT alert_id, kind, severity, occurred_at, title, details::text, created_at, published_at"
                + " FROM alerts WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at < ?"
                + (kind != null ? " AND kind = ?" : "") + " ORDER BY occurred_at DESC, alert_id LIMIT ?";
        List<Alert> alerts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = range(ps, tenant, from, to);
            if (kind != null) {
                ps.setString(++i, kind);
            }
            ps.setInt(++i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp published = rs.getTimestamp(8);
                    alerts.add(new Alert(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), JSON.readTree(rs.getString(6)),
                            rs.getTimestamp(7).toInstant(), published == null ? null : published.toInstant()));
                }
            } catch (IOException e) {
                throw new SQLException("alert details are not JSON", e);
            }
        }
        return alerts;
    }

    /**
     * Spark's figures of the tenants' minutes in [from, to): events from traffic_minute (summed over channel and
     * device), orders and net revenue (gross - refunded - cancelled) per currency from sales_minute. A part without
     * rows stays null.
     */
    public Map<UUID, Map<Instant, LiveCounters.SparkMinute>> sparkMinutes(Connection c, Collection<UUID> tenants,
            Instant from, Instant to) throws SQLException {
        Map<UUID, Map<Instant, Long>> events = new HashMap<>();
        Map<UUID, Map<Instant, Long>> orders = new HashMap<>();
        Map<UUID, Map<Instant, Map<String, BigDecimal>>> revenue = new HashMap<>();
        Array ids = c.createArrayOf("uuid", tenants.toArray());
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id, bucket, sum(events) FROM traffic_minute"
                + " WHERE tenant_id = ANY (?) AND bucket >= ? AND bucket < ? GROUP BY tenant_id, bucket")) {
            ps.setArray(1, ids);
            ps.setObject(2, at(from));
            ps.setObject(3, at(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.computeIfAbsent(rs.getObject(1, UUID.class), t -> new HashMap<>())
                            .put(rs.getTimestamp(2).toInstant(), rs.getLong(3));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id, bucket, currency, sum(orders),"
                + " sum(gross_revenue - refunded_amount - cancelled_amount) FROM sales_minute"
                + " WHERE tenant_id = ANY (?) AND bucket >= ? AND bucket < ? GROUP BY tenant_id, bucket, currency")) {
            ps.setArray(1, ids);
            ps.setObject(2, at(from));
            ps.setObject(3, at(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID tenant = rs.getObject(1, UUID.class);
                    Instant bucket = rs.getTimestamp(2).toInstant();
                    orders.computeIfAbsent(tenant, t -> new HashMap<>()).merge(bucket, rs.getLong(4), Long::sum);
                    revenue.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(bucket, b -> new TreeMap<>())
                            .put(rs.getString(3).trim(), rs.getBigDecimal(5));
                }
            }
        }
        Map<UUID, Map<Instant, LiveCounters.SparkMinute>> result = new LinkedHashMap<>();
        for (UUID tenant : tenants) {
            Map<Instant, LiveCounters.SparkMinute> minutes = new TreeMap<>();
            Map<Instant, Long> e = events.getOrDefault(tenant, Map.of());
            Map<Instant, Long> o = orders.getOrDefault(tenant, Map.of());
            Map<Instant, Map<String, BigDecimal>> r = revenue.getOrDefault(tenant, Map.of());
            for (Instant bucket : union(e.keySet(), o.keySet())) {
                minutes.put(bucket, new LiveCounters.SparkMinute(e.get(bucket), o.get(bucket), r.get(bucket)));
            }
            if (!minutes.isEmpty()) {
                result.put(tenant, minutes);
            }
        }
        return result;
    }

    private static java.util.Set<Instant> union(java.util.Set<Instant> a, java.util.Set<Instant> b) {
        java.util.Set<Instant> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static java.time.OffsetDateTime at(Instant t) {
        return t.atOffset(java.time.ZoneOffset.UTC);
    }

    private static int range(PreparedStatement ps, UUID tenant, Instant from, Instant to) throws SQLException {
        return range(ps, 0, tenant, from, to);
    }

    private static int range(PreparedStatement ps, int i, UUID tenant, Instant from, Instant to)
            throws SQLException {
        ps.setObject(i + 1, tenant);
        ps.setObject(i + 2, at(from));
        ps.setObject(i + 3, at(to));
        return i + 3;
    }
}
