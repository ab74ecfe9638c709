package io.shoppulse.analytics.spark.sales;

import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.Anomalies;
import io.shoppulse.analytics.spark.sink.CoOccurrence;
import io.shoppulse.analytics.spark.sink.Copy;
import io.shoppulse.analytics.spark.sink.DeadLetters;
import io.shoppulse.analytics.spark.sink.DeadLetters.DeadLetter;
import io.shoppulse.analytics.spark.sink.Partitions;
import io.shoppulse.analytics.spark.sink.Rollups;
import io.shoppulse.analytics.spark.sink.Rollups.Target;
import io.shoppulse.analytics.spark.stream.Streams;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Writes one batch of order events (docs/metrics.md, "Sales"): sales per minute/hour/day, currency and country;
 * product sales per minute/hour and currency; bought-together pairs; revenue anomalies of closed hours; dead letters.
 * Money stays exact (BigDecimal, numeric) and in its own currency.
 */
public final class SalesSink {

    /** Candidates of the revenue check: every tenant and currency that sold in the week up to the hour. */
    private static final String SELLERS = "SELECT DISTINCT tenant_id, currency FROM sales_day WHERE bucket >= ? AND "
            + "bucket <= ?";

    private final String scope;
    private final Duration lateness;
    private final double zLimit;

    private SalesSink(String scope, Duration lateness, double zLimit) {
        this.scope = scope;
        this.lateness = lateness;
        this.zLimit = zLimit;
    }

    /** The streaming sink; {@code scope} is the stream (query@topic) whose closed hours the revenue check claims. */
    public static SalesSink streaming(String scope, Duration lateness, double zLimit) {
        return new SalesSink(scope, lateness, zLimit);
    }

    /**
     * The sink of a recompute: no anomaly checks (history raises no alerts) and no bought-together pairs (all-time
     * counts, which a rebuild would add twice).
     */
    public static SalesSink recompute() {
        return new SalesSink(null, null, 0);
    }

    /** What a batch counted: order events, dead letters, the newest business time counted. */
    public record Result(int counted, int deadLetters, Instant newest) {
    }

    private record SalesKey(UUID tenant, Instant minute, String currency, String country) {
    }

    private record ProductKey(UUID tenant, Instant minute, String sku, String currency) {
    }

    private static final class Sales {
        long orders;
        long units;
        BigDecimal gross = BigDecimal.ZERO;
        long refunds;
        BigDecimal refunded = BigDecimal.ZERO;
        long cancellations;
        BigDecimal cancelled = BigDecimal.ZERO;
    }

    private static final class ProductSales {
        long units;
        BigDecimal revenue = BigDecimal.ZERO;
        long refundedUnits;
        BigDecimal refunded = BigDecimal.ZERO;
        long cancelledUnits;
        BigDecimal cancelled = BigDecimal.ZERO;
    }

    public void preparePartitions(Connection c, List<Row> rows) throws SQLException {
        Set<Instant> times = new HashSet<>();
        for (Row r : rows) {
            if (r.isNullAt(r.fieldIndex("problem"))) {
                times.add(r.<Timestamp>getAs("at").toInstant().truncatedTo(ChronoUnit.DAYS));
            }
        }
        Partitions.ensure(c, "analytics.sales_minute", "day", times);
        Partitions.ensure(c, "analytics.product_sales_minute", "day", times);
        for (String t : List.of("sales_hour", "sales_day", "product_sales_hour")) {
            Partitions.ensure(c, "analytics." + t, "month", times);
        }
    }

    public Result write(Connection c, List<Row> rows) throws SQLException {
        Map<SalesKey, Sales> sales = new HashMap<>();
        Map<ProductKey, ProductSales> products = new HashMap<>();
        Map<CoOccurrence.Pair, Long> pairs = new HashMap<>();
        Instant newest = null;
        List<DeadLetter> dead = new ArrayList<>();
        int counted = 0;
        for (Row r : rows) {
            String problem = r.isNullAt(r.fieldIndex("problem")) ? countable(r) : r.getAs("problem");
            if (problem != null) {
                // One record that cannot be counted must not stop the query: it goes to the dead letters.
                dead.add(new DeadLetter(r.getAs("topic"), r.<Integer>getAs("kafka_partition"),
                        r.<Long>getAs("kafka_offset"), problem, r.getAs("raw")));
                continue;
            }
            counted++;
            UUID tenant = UUID.fromString(r.getAs("tenant_id"));
            Instant at = r.<Timestamp>getAs("at").toInstant();
            Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
            String currency = r.getAs("currency");
            newest = newest == null || at.isAfter(newest) ? at : newest;
            Sales s = sales.computeIfAbsent(new SalesKey(tenant, minute, currency, r.getAs("country")),
                    k -> new Sales());
            List<Row> lines = r.isNullAt(r.fieldIndex("lines")) ? List.of() : r.getList(r.fieldIndex("lines"));
            switch (r.<String>getAs("type")) {
                case "order.placed" -> {
                    s.orders++;
                    s.gross = s.gross.add(r.getAs("total"));
                    TreeSet<String> skus = new TreeSet<>();
                    for (Row line : lines) {
                        if (!"sale".equals(line.getAs("kind"))) {
                            continue;
                        }
                        int quantity = line.<Integer>getAs("quantity");
                        s.units += quantity;
                        ProductSales p = products.computeIfAbsent(new ProductKey(tenant, minute, line.getAs("sku"),
                                currency), k -> new ProductSales());
                        p.units += quantity;
                        p.revenue = p.revenue.add(line.getAs("amount"));
                        skus.add(line.getAs("sku"));
                    }
                    List<String> sorted = new ArrayList<>(skus);
                    for (int i = 0; i < sorted.size(); i++) {
                        for (int j = i + 1; j < sorted.size(); j++) {
                            pairs.merge(CoOccurrence.Pair.of(tenant, sorted.get(i), sorted.get(j)), 1L, Long::sum);
                        }
                    }
                }
                case "order.refunded" -> {
                    s.refunds++;
                    s.refunded = s.refunded.add(r.getAs("refund_amount"));
                    String refundId = r.getAs("refund_id");
                    for (Row line : lines) {
                        if (!"refund".equals(line.getAs("kind")) || refundId == null
                                || !refundId.equals(line.getAs("refund_id"))) {
                            continue;
                        }
                        ProductSales p = products.computeIfAbsent(new ProductKey(tenant, minute, line.getAs("sku"),
                                currency), k -> new ProductSales());
                        p.refundedUnits += line.<Integer>getAs("quantity");
                        p.refunded = p.refunded.add(line.<BigDecimal>getAs("amount").negate());
                    }
                }
                case "order.cancelled" -> {
                    // What refunds had not given back yet is taken back by the cancellation: for the order its
                    // total less the refunds, for each product its sale lines less its refund lines.
                    s.cancellations++;
                    s.cancelled = s.cancelled.add(r.<BigDecimal>getAs("total").subtract(r.getAs("refunded")));
                    for (Row line : lines) {
                        boolean sale = "sale".equals(line.getAs("kind"));
                        if (!sale && !"refund".equals(line.getAs("kind"))) {
                            continue;
                        }
                        ProductSales p = products.computeIfAbsent(new ProductKey(tenant, minute, line.getAs("sku"),
                                currency), k -> new ProductSales());
                        int quantity = line.<Integer>getAs("quantity");
                        // Refund lines carry negative amounts: adding them leaves what was not refunded.
                        p.cancelledUnits += sale ? quantity : -quantity;
                        p.cancelled = p.cancelled.add(line.getAs("amount"));
                    }
                }
                default -> throw new IllegalStateException("not a counted type: " + r.getAs("type"));
            }
        }
        writeSales(c, sales);
        writeProducts(c, products);
        DeadLetters.write(c, SalesJob.QUERY, dead);
        if (scope != null) {
            CoOccurrence.add(c, "bought", pairs);
            if (newest != null) {
                // Every shop that sold that week, judged once per closed hour: one whose sales stopped is judged too.
                Alerts.store(c, Anomalies.closedHours(c, scope, newest.minus(lateness), SELLERS, SalesSink::revenue,
                        zLimit));
            }
        }
        return new Result(counted, dead.size(), newest);
    }

    private static void writeSales(Connection c, Map<SalesKey, Sales> sales) throws SQLException {
        if (sales.isEmpty()) {
            return;
        }
        Copy copy = new Copy();
        sales.forEach((k, s) -> copy.row(k.tenant(), k.minute(), k.currency(), k.country(), s.orders, s.units,
                s.gross.toPlainString(), s.refunds, s.refunded.toPlainString(), s.cancellations,
                s.cancelled.toPlainString()));
        copy.into(c, "tmp_sales", "tenant_id uuid, bucket timestamptz, currency char(3), country text, orders bigint, "
                + "units bigint, gross_revenue numeric, refunds bigint, refunded_amount numeric, cancellations "
                + "bigint, cancelled_amount numeric");
        Rollups.add(c, "tmp_sales", List.of(new Target("sales_minute", "minute"), new Target("sales_hour", "hour"),
                new Target("sales_day", "day")), List.of("currency", "country"),
                List.of("orders", "units",
                        "gross_revenue", "refunds", "refunded_amount", "cancellations", "cancelled_amount"));
    }

    private static void writeProducts(Connection c, Map<ProductKey, ProductSales> products) throws SQLException {
        if (products.isEmpty()) {
            return;
        }
        Copy copy = new Copy();
        products.forEach((k, p) -> copy.row(k.tenant(), k.minute(), k.sku(), k.currency(), p.units,
                p.revenue.toPlainString(), p.refundedUnits, p.refunded.toPlainString(), p.cancelledUnits,
                p.cancelled.toPlainString()));
        copy.into(c, "tmp_product_sales", "tenant_id uuid, bucket timestamptz, item_id text, currency char(3), "
                + "units bigint, revenue numeric, refunded_units bigint, refunded_amount numeric, "
                + "cancelled_units bigint, cancelled_amount numeric");
        Rollups.add(c, "tmp_product_sales", List.of(new Target("product_sales_minute", "minute"),
                new Target("product_sales_hour", "hour")), List.of("item_id", "currency"),
                List.of("units", "revenue", "refunded_units", "refunded_amount", "cancelled_units",
                        "cancelled_amount"));
    }

    /**
     * What the sink relies on in a record the parse could read, checked here in one place: a record that failed the
     * batch would fail it again on every restart. Answers the problem, or null.
     */
    static String countable(Row r) {
        if (!Streams.isUuid(r.getAs("tenant_id"))) {
            return "tenant_id is not a UUID"; // the strict form every query checks (UUID.fromString takes 1-1-1-1-1)
        }
        String currency = r.getAs("currency");
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            return "order.currency is not an ISO 4217 code";
        }
        String type = r.getAs("type");
        if (!"order.refunded".equals(type) && r.isNullAt(r.fieldIndex("total"))) {
            return "order.total is missing";
        }
        if ("order.refunded".equals(type) && r.isNullAt(r.fieldIndex("refund_amount"))) {
            return "refund.amount is missing";
        }
        if (!r.isNullAt(r.fieldIndex("lines"))) {
            for (Row line : r.<Row>getList(r.fieldIndex("lines"))) {
                if (line == null || line.getAs("kind") == null || line.getAs("sku") == null
                        || line.getAs("quantity") == null || line.getAs("amount") == null) {
                    return "every order line needs kind, sku, quantity and amount";
                }
            }
        }
        return null;
    }

    /** Gross revenue of an hour in one currency, 0 when nothing sold; none before the tenant's first sale in it. */
    private static Anomalies.Measure revenue(String currency) {
        String cur = "'" + currency.replaceAll("[^A-Z]", "") + "'";
        return new Anomalies.Measure("revenue_anomaly:" + currency, "Revenue in " + currency, "WITH p AS (SELECT "
                + "?::uuid AS t, ?::timestamptz AS h) SELECT CASE WHEN p.h >= (SELECT min(bucket) FROM sales_day WHERE "
                + "tenant_id = p.t AND currency = " + cur + ") THEN (SELECT coalesce(sum(gross_revenue), 0) FROM "
                + "sales_hour WHERE tenant_id = p.t AND bucket = p.h AND currency = " + cur + ") END FROM p");
    }
}
