package io.shoppulse.analytics.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoppulse.analytics.repository.RollupRepository;
import io.shoppulse.common.jdbc.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Hands closed minutes over from the live counters to Spark's exact rows (traffic_minute events, sales_minute orders
 * and net revenue) as soon as they exist, and reports every difference between the two lanes: a JSON log line with
 * the figures, and the counter {@code shoppulse.analytics.live.reconciliations{outcome=differed}} plus one
 * {@code shoppulse.analytics.live.differences{figure}} per figure that differs.
 */
@ApplicationScoped
public class Reconciliation {

    private static final Logger LOG = Logger.getLogger(Reconciliation.class);

    private final LiveLane lane;
    private final RollupRepository rollups;
    private final Transactions tx;
    private final Counter matched;
    private final Counter differed;
    private final Map<String, Counter> differences;

    public Reconciliation(LiveLane lane, RollupRepository rollups, Transactions tx, MeterRegistry registry) {
        this.lane = lane;
        this.rollups = rollups;
        this.tx = tx;
        String name = "shoppulse.analytics.live.reconciliations";
        this.matched = Counter.builder(name).description("Closed minutes compared between the live lane and Spark")
                .tag("outcome", "matched").register(registry);
        this.differed = Counter.builder(name).description("Closed minutes compared between the live lane and Spark")
                .tag("outcome", "differed").register(registry);
        this.differences = Map.of("events", difference(registry, "events"), "orders", difference(registry, "orders"),
                "net_revenue", difference(registry, "net_revenue"));
    }

    public void run() {
        LiveCounters counters = lane.counters();
        counters.prune();
        Set<UUID> tenants = counters.tenants();
        if (tenants.isEmpty()) {
            return;
        }
        Instant from = counters.windowStart();
        Instant to = counters.windowEnd();
        Map<UUID, Map<Instant, LiveCounters.SparkMinute>> spark = tx
                .inTransaction(c -> rollups.sparkMinutes(c, tenants, from, to));
        spark.forEach((tenant, minutes) -> counters.reconcile(tenant, minutes, this::reconciled));
    }

    private void reconciled(LiveCounters.Difference d, boolean differs) {
        if (!differs) {
            matched.increment();
            return;
        }
        differed.increment();
        if (d.events()) {
            differences.get("events").increment();
        }
        if (d.orders()) {
            differences.get("orders").increment();
        }
        if (d.revenue()) {
            differences.get("net_revenue").increment();
        }
        MDC.put("tenantId", d.tenant().toString());
        MDC.put("minute", d.minute().toString());
        MDC.put("liveEvents", d.liveEvents());
        MDC.put("sparkEvents", d.sparkEvents());
        MDC.put("liveOrders", d.liveOrders());
        MDC.put("sparkOrders", d.sparkOrders());
        MDC.put("liveNetRevenue", text(d.liveRevenue()));
        MDC.put("sparkNetRevenue", text(d.sparkRevenue()));
        try {
            LOG.warnf("Live and Spark lanes differ for tenant %s, minute %s: events %d/%d, orders %d/%d,"
                    + " net revenue %s/%s (live/spark); the minute is served from Spark", d.tenant(), d.minute(),
                    d.liveEvents(), d.sparkEvents(), d.liveOrders(), d.sparkOrders(), text(d.liveRevenue()),
                    text(d.sparkRevenue()));
        } finally {
            for (String key : new String[]{"tenantId", "minute", "liveEvents", "sparkEvents", "liveOrders",
                    "sparkOrders", "liveNetRevenue", "sparkNetRevenue"}) {
                MDC.remove(key);
            }
        }
    }

    private static String text(Map<String, BigDecimal> amounts) {
        StringBuilder out = new StringBuilder("{");
        new java.util.TreeMap<>(amounts).forEach((currency, amount) -> out.append(out.length() > 1 ? ", " : "")
                .append(currency).append(' ').append(amount.toPlainString()));
        return out.append('}').toString();
    }

    private static Counter difference(MeterRegistry registry, String figure) {
        return Counter.builder("shoppulse.analytics.live.differences")
                .description("Closed minutes whose figure differs between the live lane and Spark")
                .tag("figure", figure).register(registry);
    }
}
