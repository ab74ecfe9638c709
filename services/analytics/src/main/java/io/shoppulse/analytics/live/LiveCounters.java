package io.shoppulse.analytics.live;

import io.shoppulse.analytics.model.LiveMinute;
import io.shoppulse.analytics.model.LiveView;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live lane's state: per tenant, the counts of the current and of the last closed minutes (by event time), the
 * sessions seen lately, the arrival rate, and Spark's figures for closed minutes once its rows exist. A closed minute
 * is served from Spark's figures as soon as Spark has rows for every part the minute has (its events, its sales); until
 * then from the live counts. Pure state over a clock: the Camel route, the reconciliation job and the REST resources
 * drive it.
 */
public final class LiveCounters {

    /** What applying a record did. */
    public enum Outcome {
        COUNTED, DUPLICATE, LATE, IGNORED
    }

    /** Spark's figures of one minute: null parts have no rows (yet). */
    public record SparkMinute(Long events, Long orders, Map<String, BigDecimal> netRevenue) {
    }

    /** The two lanes disagree about a closed minute. */
    public record Difference(UUID tenant, Instant minute, long liveEvents, long sparkEvents, long liveOrders,
            long sparkOrders, Map<String, BigDecimal> liveRevenue, Map<String, BigDecimal> sparkRevenue) {

        public boolean events() {
            return liveEvents != sparkEvents;
        }

        public boolean orders() {
            return liveOrders != sparkOrders;
        }

        public boolean revenue() {
            return !sameAmounts(liveRevenue, sparkRevenue);
        }
    }

    /** Told once per closed minute and pair of figures compared: whether they agree. */
    public interface ReconciliationListener {
        void reconciled(Difference comparison, boolean differs);
    }

    private final Clock clock;
    private final Duration grace;
    private final Duration sessionWindow;
    private final int rateSeconds;
    private final int recentMinutes;
    private final Duration handOverAfter;
    private final Instant startedAt;
    private final Map<UUID, TenantState> tenants = new ConcurrentHashMap<>();
    private final Map<String, Boolean> recentIds;

    /**
     * @param handOverAfter how long after a minute closes Spark's rows replace its live counts even when they are
     *        below them (Spark had records the live lane never saw, or counted some late ones); before that, Spark's
     *        rows replace the live counts only once they reach them, so a minute Spark is still counting never dips
     */
    public LiveCounters(Clock clock, Duration grace, Duration sessionWindow, Duration rateWindow, int recentMinutes,
            int dedupCapacity, Duration handOverAfter) {
        this.handOverAfter = handOverAfter;
        this.clock = clock;
        this.grace = grace;
        this.sessionWindow = sessionWindow;
        this.rateSeconds = (int) Math.max(1, rateWindow.toSeconds());
        this.recentMinutes = recentMinutes;
        this.startedAt = clock.instant();
        this.recentIds = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > dedupCapacity;
            }
        });
    }

    public Outcome apply(LiveRecord record) {
        if (!record.counts()) {
            return Outcome.IGNORED;
        }
        Instant now = clock.instant();
        Instant earliest = minute(now.minus(grace));
        if (record.at().isBefore(earliest) || record.at().isAfter(now.plus(grace))) {
            return Outcome.LATE; // Spark's rollups count it; the live view is about now
        }
        if (recentIds.putIfAbsent(record.tenant() + ":" + record.eventId(), Boolean.TRUE) != null) {
            return Outcome.DUPLICATE;
        }
        tenants.computeIfAbsent(record.tenant(), t -> new TenantState()).add(record, now);
        return Outcome.COUNTED;
    }

    /** The tenant's live view now; the tenant is kept under reconciliation while someone looks at it. */
    public LiveView view(UUID tenant) {
        Instant now = clock.instant();
        return tenants.computeIfAbsent(tenant, t -> new TenantState()).view(tenant, now);
    }

    /** Tenants whose closed minutes may need Spark's figures, and the window of those minutes. */
    public Set<UUID> tenants() {
        return Set.copyOf(tenants.keySet());
    }

    public Instant windowStart() {
        return minute(clock.instant()).minus(recentMinutes, ChronoUnit.MINUTES);
    }

    public Instant windowEnd() {
        return minute(clock.instant());
    }

    /**
     * Spark's rows for the tenant's closed minutes in [windowStart, windowEnd): a minute switches to them once they
     * cover what the minute has; the listener hears each new comparison between the lanes.
     */
    public void reconcile(UUID tenant, Map<Instant, SparkMinute> spark, ReconciliationListener listener) {
        TenantState state = tenants.get(tenant);
        if (state != null) {
            state.reconcile(tenant, spark, clock.instant(), listener);
        }
    }

    /** Forgets minutes older than the window and tenants nobody has sent or looked at for as long. */
    public void prune() {
        Instant now = clock.instant();
        Instant oldest = minute(now).minus(recentMinutes, ChronoUnit.MINUTES);
        tenants.entrySet().removeIf(e -> e.getValue().prune(oldest, now));
    }

    static Instant minute(Instant t) {
        return t.truncatedTo(ChronoUnit.MINUTES);
    }

    static boolean sameAmounts(Map<String, BigDecimal> a, Map<String, BigDecimal> b) {
        for (String currency : union(a.keySet(), b.keySet())) {
            if (a.getOrDefault(currency, BigDecimal.ZERO).compareTo(b.getOrDefault(currency, BigDecimal.ZERO)) != 0) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, String> strings(Map<String, BigDecimal> amounts) {
        Map<String, String> out = new TreeMap<>();
        amounts.forEach((currency, amount) -> out.put(currency, amount.toPlainString()));
        return out;
    }

    /** One minute of one tenant: the live counts, and Spark's once reconciled. */
    private static final class Minute {
        long events;
        long orders;
        final Map<String, BigDecimal> revenue = new TreeMap<>();
        SparkMinute spark;
        Difference lastCompared;

        boolean hasEvents() {
            return events > 0;
        }

        boolean hasSales() {
            return orders > 0 || !revenue.isEmpty();
        }
    }

    private final class TenantState {
        private final NavigableMap<Instant, Minute> minutes = new TreeMap<>();
        private final Map<String, Instant> sessions = new HashMap<>();
        /**
         * The active-session count of the last view, and the second it was counted in: views within one second
         * reuse it unless a session became active since, so the count walks the sessions at most once a second
         * however many dashboards ask (a walk visits every open session, under the lock the consumer needs too).
         * Sessions leave the count at the next second's walk.
         */
        private long activeCount;
        private long activeCountedAt = Long.MIN_VALUE;
        private final long[] arrivals = new long[rateSeconds];
        private final long[] arrivalSecond = new long[rateSeconds];
        private Instant touched = clock.instant();

        synchronized void add(LiveRecord record, Instant now) {
            touched = now;
            Minute minute = minutes.computeIfAbsent(minute(record.at()), m -> new Minute());
            if (record.event()) {
                minute.events++;
                long second = now.getEpochSecond();
                int slot = (int) Math.floorMod(second, (long) rateSeconds);
                if (arrivalSecond[slot] != second) {
                    arrivalSecond[slot] = second;
                    arrivals[slot] = 0;
                }
                arrivals[slot]++;
                if (record.sessionId() != null) {
                    Instant before = sessions.get(record.sessionId());
                    if (before == null || record.at().isAfter(before)) {
                        sessions.put(record.sessionId(), record.at());
                        if (before == null || before.isBefore(now.minus(sessionWindow))) {
                            activeCountedAt = Long.MIN_VALUE; // a session (again) active: count afresh
                        }
                    }
                }
            } else {
                minute.orders += record.orders();
                minute.revenue.merge(record.currency(), record.revenue(), BigDecimal::add);
            }
        }

        synchronized LiveView view(UUID tenant, Instant now) {
            touched = now;
            Instant current = minute(now);
            Minute live = minutes.getOrDefault(current, new Minute());
            long second = now.getEpochSecond();
            long recentEvents = 0;
            for (int i = 0; i < rateSeconds; i++) {
                if (arrivalSecond[i] > second - rateSeconds && arrivalSecond[i] <= second) {
                    recentEvents += arrivals[i];
                }
            }
            if (activeCountedAt != second) {
                Instant activeSince = now.minus(sessionWindow);
                // Counted, not removed: a view under the lock the consumer also takes stays a read; prune() removes.
                activeCount = sessions.values().stream().filter(last -> !last.isBefore(activeSince)).count();
                activeCountedAt = second;
            }
            long active = activeCount;
            List<LiveMinute> recent = new ArrayList<>(recentMinutes);
            for (int i = 1; i <= recentMinutes; i++) {
                Instant m = current.minus(i, ChronoUnit.MINUTES);
                Minute closed = minutes.get(m);
                if (closed == null) {
                    recent.add(new LiveMinute(m, 0, 0, Map.of(), LiveMinute.LIVE));
                } else if (closed.spark != null) {
                    recent.add(new LiveMinute(m, closed.spark.events(), closed.spark.orders(),
                            strings(closed.spark.netRevenue()), LiveMinute.SPARK));
                } else {
                    recent.add(new LiveMinute(m, closed.events, closed.orders, strings(closed.revenue),
                            LiveMinute.LIVE));
                }
            }
            double perSecond = Math.round(recentEvents * 100.0 / rateSeconds) / 100.0;
            return new LiveView(tenant, current, live.events, perSecond, active, live.orders,
                    strings(live.revenue), LiveMinute.LIVE, recent);
        }

        synchronized void reconcile(UUID tenant, Map<Instant, SparkMinute> spark, Instant now,
                ReconciliationListener listener) {
            Instant current = minute(now);
            Instant oldest = current.minus(recentMinutes, ChronoUnit.MINUTES);
            for (Map.Entry<Instant, SparkMinute> row : spark.entrySet()) {
                Instant m = row.getKey();
                if (!m.isBefore(current) || m.isBefore(oldest)) {
                    continue; // only closed minutes of the window
                }
                Minute minute = minutes.computeIfAbsent(m, k -> new Minute());
                SparkMinute s = row.getValue();
                boolean eventsCovered = s.events() != null || !minute.hasEvents();
                boolean salesCovered = s.orders() != null || !minute.hasSales();
                if (!eventsCovered || !salesCovered || s.events() == null && s.orders() == null) {
                    continue; // Spark has not caught up with every part of this minute yet
                }
                SparkMinute figures = new SparkMinute(Objects.requireNonNullElse(s.events(), 0L),
                        Objects.requireNonNullElse(s.orders(), 0L),
                        s.netRevenue() == null ? Map.of() : Map.copyOf(s.netRevenue()));
                // Spark's row of a minute it is still counting is partial: it takes over once it has at least what
                // the live lane counted, or once the minute has been closed long enough for Spark to be done.
                boolean settled = !m.plus(1, ChronoUnit.MINUTES).plus(handOverAfter).isAfter(now);
                boolean caughtUp = figures.events() >= minute.events && figures.orders() >= minute.orders;
                if (!caughtUp && !settled) {
                    continue;
                }
                minute.spark = figures;
                if (m.isBefore(startedAt) && !minute.hasEvents() && !minute.hasSales()) {
                    continue; // the minute passed before the lane started: nothing to compare
                }
                Difference comparison = new Difference(tenant, m, minute.events, figures.events(), minute.orders,
                        figures.orders(), Map.copyOf(minute.revenue), figures.netRevenue());
                boolean differs = comparison.events() || comparison.orders() || comparison.revenue();
                if (differs && !settled) {
                    continue; // compared once Spark is done with the minute, so a difference is reported once
                }
                if (!comparison.equals(minute.lastCompared)) {
                    minute.lastCompared = comparison;
                    listener.reconciled(comparison,
                            comparison.events() || comparison.orders() || comparison.revenue());
                }
            }
        }

        /** Drops old minutes; true when the whole tenant can go. */
        synchronized boolean prune(Instant oldest, Instant now) {
            for (Iterator<Instant> it = minutes.keySet().iterator(); it.hasNext();) {
                if (it.next().isBefore(oldest)) {
                    it.remove();
                } else {
                    break;
                }
            }
            Instant activeSince = now.minus(sessionWindow);
            sessions.values().removeIf(last -> last.isBefore(activeSince));
            return minutes.isEmpty() && sessions.isEmpty()
                    && touched.isBefore(now.minus(recentMinutes, ChronoUnit.MINUTES));
        }
    }
}
