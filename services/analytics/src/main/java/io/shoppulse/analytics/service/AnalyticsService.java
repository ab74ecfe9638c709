package io.shoppulse.analytics.service;

import io.shoppulse.analytics.model.AlertPage;
import io.shoppulse.analytics.model.Funnel;
import io.shoppulse.analytics.model.Grain;
import io.shoppulse.analytics.model.KpiBucket;
import io.shoppulse.analytics.model.KpiReport;
import io.shoppulse.analytics.model.ProductReport;
import io.shoppulse.analytics.model.ProductStats;
import io.shoppulse.analytics.model.Sales;
import io.shoppulse.analytics.model.Trending;
import io.shoppulse.analytics.repository.RollupRepository;
import io.shoppulse.common.jdbc.Transactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The read API over the rollups: figures derived from the rows Spark keeps, always of one tenant. */
@ApplicationScoped
public class AnalyticsService {

    /** Ratios and averages: 4 decimals, half-even. */
    static final int SCALE = 4;

    private final RollupRepository rollups;
    private final Transactions tx;
    public AnalyticsService(RollupRepository rollups, Transactions tx) {
        this.rollups = rollups;
        this.tx = tx;
    }

    public KpiReport kpis(UUID tenant, Params.Range range, Grain grain, String channel, String device) {
        boolean sliced = channel != null || device != null;
        KpiRows data = tx.inTransaction(c -> new KpiRows(
                rollups.traffic(c, grain, tenant, range.from(), range.to(), channel, device),
                sliced ? Map.of() : rollups.visitors(c, grain, tenant, range.from(), range.to()),
                sliced ? Map.of() : rollups.sales(c, grain, tenant, range.from(), range.to())));
        Map<Instant, RollupRepository.TrafficRow> traffic = data.traffic();
        Map<Instant, RollupRepository.VisitorsRow> visitors = data.visitors();
        Map<Instant, Map<String, RollupRepository.SalesRow>> sales = data.sales();

        RollupRepository.TrafficRow none = new RollupRepository.TrafficRow(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        List<KpiBucket> buckets = new ArrayList<>();
        for (Instant b = grain.firstBucketFrom(range.from()); b.isBefore(range.to()); b = grain.next(b)) {
            RollupRepository.TrafficRow t = traffic.getOrDefault(b, none);
            RollupRepository.VisitorsRow v = visitors.get(b);
            Map<String, Sales> money = null;
            if (!sliced) {
                money = new TreeMap<>();
                for (var entry : sales.getOrDefault(b, Map.of()).entrySet()) {
                    money.put(entry.getKey(), sales(entry.getValue()));
                }
            }
            buckets.add(new KpiBucket(b, t.sessions(), t.newSessions(),
                    sliced ? null : v == null ? 0L : v.users(), sliced ? null : v == null ? 0L : v.newUsers(),
                    t.pageViews(), t.productViews(), t.addToCarts(), t.checkouts(), t.purchases(),
                    ratio(t.convertedSessions(), t.sessions()), ratio(t.abandonedCartSessions(), t.cartSessions()),
                    ratio(t.bouncedSessions(), t.sessions()), ratio(t.sessionSeconds(), t.sessions()), money));
        }
        return new KpiReport(range.from(), range.to(), grain.suffix(), channel, device, buckets);
    }

    private record KpiRows(Map<Instant, RollupRepository.TrafficRow> traffic,
            Map<Instant, RollupRepository.VisitorsRow> visitors,
            Map<Instant, Map<String, RollupRepository.SalesRow>> sales) {
    }

    public ProductReport products(UUID tenant, Params.Range range, String sort, String currency, int limit) {
        return tx.inTransaction(c -> {
            List<RollupRepository.ProductRow> top = rollups.topProducts(c, tenant, range.from(), range.to(), sort,
                    currency, limit);
            var sales = rollups.productSales(c, tenant, range.from(), range.to(),
                    top.stream().map(RollupRepository.ProductRow::itemId).toList());
            List<ProductStats> products = new ArrayList<>();
            for (RollupRepository.ProductRow p : top) {
                Map<String, ProductStats.ProductSales> money = new TreeMap<>();
                sales.getOrDefault(p.itemId(), Map.of()).forEach((cur, s) -> money.put(cur,
                        new ProductStats.ProductSales(s.units(), s.revenue().toPlainString(), s.refundedUnits(),
                                s.refundedAmount().toPlainString(), s.cancelledUnits(),
                                s.cancelledAmount().toPlainString(), s.revenue().subtract(s.refundedAmount())
                                        .subtract(s.cancelledAmount()).toPlainString())));
                products.add(new ProductStats(p.itemId(), p.name(), p.brand(), p.category(), p.views(),
                        p.addToCarts(), p.purchases(), ratio(p.addToCarts(), p.views()),
                        ratio(p.purchases(), p.addToCarts()), money));
            }
            return new ProductReport(range.from(), range.to(), sort, currency, products);
        });
    }

    public Funnel funnel(UUID tenant, Params.Range range) {
        long[] n = tx.inTransaction(c -> rollups.funnel(c, tenant, range.from(), range.to()));
        String[] names = {"session_start", "view_item", "add_to_cart", "begin_checkout", "purchase"};
        List<Funnel.Step> steps = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            steps.add(new Funnel.Step(names[i], n[i], i == 0 ? null : ratio(n[i], n[i - 1]),
                    i == 0 ? null : ratio(n[i], n[0])));
        }
        return new Funnel(range.from(), range.to(), steps);
    }

    public Trending trending(UUID tenant, Instant hour, int limit) {
        Instant start = hour.truncatedTo(ChronoUnit.HOURS);
        return new Trending(start, tx.inTransaction(c -> rollups.trending(c, tenant, start, limit)));
    }

    public AlertPage alerts(UUID tenant, Params.Range range, String kind, int limit) {
        return new AlertPage(range.from(), range.to(),
                tx.inTransaction(c -> rollups.alerts(c, tenant, range.from(), range.to(), kind, limit)));
    }

    static Sales sales(RollupRepository.SalesRow s) {
        BigDecimal net = s.grossRevenue().subtract(s.refundedAmount()).subtract(s.cancelledAmount());
        String aov = s.orders() == 0
                ? null
                : s.grossRevenue().divide(BigDecimal.valueOf(s.orders()), SCALE, RoundingMode.HALF_EVEN)
                        .toPlainString();
        return new Sales(s.orders(), s.units(), s.grossRevenue().toPlainString(),
                s.refundedAmount().toPlainString(), s.cancelledAmount().toPlainString(), net.toPlainString(), aov);
    }

    static BigDecimal ratio(long numerator, long denominator) {
        return denominator == 0
                ? null
                : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), SCALE,
                        RoundingMode.HALF_EVEN);
    }
}
