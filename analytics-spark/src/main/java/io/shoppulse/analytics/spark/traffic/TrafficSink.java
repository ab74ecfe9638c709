package io.shoppulse.analytics.spark.traffic;

import io.shoppulse.analytics.spark.sink.Alerts;
import io.shoppulse.analytics.spark.sink.Anomalies;
import io.shoppulse.analytics.spark.sink.CoOccurrence;
import io.shoppulse.analytics.spark.sink.Copy;
import io.shoppulse.analytics.spark.sink.DeadLetters;
import io.shoppulse.analytics.spark.sink.DeadLetters.DeadLetter;
import io.shoppulse.analytics.spark.sink.Partitions;
import io.shoppulse.analytics.spark.sink.Products;
import io.shoppulse.analytics.spark.sink.Rollups;
import io.shoppulse.analytics.spark.sink.Rollups.Target;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes one batch of the sessionizer's output into the analytics schema (docs/metrics.md defines each figure): the
 * counted events and sessions as minute deltas rolled into traffic_minute/hour/day, distinct visitors per grain,
 * product behaviour, sessions as they stand, viewed-together pairs, cart-abandonment alerts and dead letters. The
 * caller owns the transaction and the batch record.
 *
 * <p>In a recompute ({@code range} set) only buckets inside the range are written, and sessions are those that start
 * inside it; the caller has emptied the range first, so the deltas rebuild it exactly. Pairs are all-time counts and
 * are not recomputed.
 */
public final class TrafficSink {

    /** The range a recompute rebuilds, [from, to); null when streaming. */
    public record Range(UUID tenant, Instant from, Instant to) {
        boolean contains(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    static final List<String> TRAFFIC_SUMS = List.of("sessions", "new_sessions", "bounced_sessions",
            "product_view_sessions", "cart_sessions", "checkout_sessions", "converted_sessions",
            "abandoned_cart_sessions", "session_seconds", "page_views", "product_views", "add_to_carts", "checkouts",
            "purchases", "events");
    private static final String[] GRAINS = TrafficRecord.GRAINS;

    private static final Anomalies.Measure CONVERSION = new Anomalies.Measure("conversion_anomaly", "Conversion rate",
            "SELECT sum(converted_sessions)::numeric / sum(sessions) FROM traffic_hour WHERE tenant_id = ? AND "
                    + "bucket = ? HAVING sum(sessions) > 0");

    private final Range range;
    private final String scope;
    private final Duration hourClosesAfter;
    private final double zLimit;

    private TrafficSink(Range range, String scope, Duration hourClosesAfter, double zLimit) {
        this.range = range;
        this.scope = scope;
        this.hourClosesAfter = hourClosesAfter;
        this.zLimit = zLimit;
    }

    /**
     * The streaming sink.
     *
     * @param scope the stream (query@topic) whose closed hours the conversion check claims
     * @param hourClosesAfter how long after an hour's end its conversion rate is final: lateness plus the session
     *        gap (a session counts at its start, and may convert until it ends)
     * @param zLimit the anomaly threshold
     */
    public static TrafficSink streaming(String scope, Duration hourClosesAfter, double zLimit) {
        return new TrafficSink(null, scope, hourClosesAfter, zLimit);
    }

    /** The sink of a recompute of {@code range}: no pairs, no alerts. */
    public static TrafficSink recompute(Range range) {
        return new TrafficSink(range, null, null, 0);
    }

    /** What a batch changed, for logs and tests; {@code newest} is the newest event minute it counted. */
    public record Result(int events, int sessions, int alerts, int deadLetters, Instant newest) {
    }

    private record SliceKey(UUID tenant, Instant minute, String channel, String device) {
    }

    private record ItemKey(UUID tenant, Instant minute, String item) {
    }

    /** Partitions every bucket of the batch needs, made (and committed) before the batch's own transaction. */
    public void preparePartitions(Connection c, List<TrafficRecord> rows) throws SQLException {
        Set<Instant> times = new HashSet<>();
        for (TrafficRecord r : rows) {
            if (r.getOccurredAt() != null && !"alert".equals(r.getKind())) {
                times.add(r.getOccurredAt().toInstant().truncatedTo(ChronoUnit.DAYS));
            }
            if (r.getStartedAt() != null) {
                times.add(r.getStartedAt().toInstant().truncatedTo(ChronoUnit.DAYS));
            }
            if (r.getBefore() != null) {
                times.add(r.getBefore().getStartedAt().toInstant().truncatedTo(ChronoUnit.DAYS));
            }
        }
        for (String t : List.of("traffic_minute", "visitors_minute", "visitor_presence", "sessions",
                "product_minute")) {
            Partitions.ensure(c, "analytics." + t, "day", times);
        }
        for (String t : List.of("traffic_hour", "traffic_day", "visitors_hour", "visitors_day", "product_hour")) {
            Partitions.ensure(c, "analytics." + t, "month", times);
        }
    }

    public Result write(Connection c, List<TrafficRecord> rows) throws SQLException {
        List<TrafficRecord> events = new ArrayList<>();
        List<TrafficRecord> sessions = new ArrayList<>();
        List<Alerts.Alert> alerts = new ArrayList<>();
        Map<CoOccurrence.Pair, Long> pairs = new HashMap<>();
        Map<ItemKey, long[]> items = new HashMap<>();
        Map<String, Products.Info> products = new LinkedHashMap<>();
        List<DeadLetter> dead = new ArrayList<>();
        for (TrafficRecord r : rows) {
            switch (r.getKind()) {
                case "event" -> {
                    if (inRange(r.getOccurredAt())) {
                        events.add(r);
                    }
                }
                case "session" -> sessions.add(r);
                case "item" -> {
                    if (inRange(r.getOccurredAt())) {
                        long[] counts = items.computeIfAbsent(new ItemKey(uuid(r), minute(r.getOccurredAt()),
                                r.getItemId()), k -> new long[3]);
                        counts[0] += r.getProductViews();
                        counts[1] += r.getAddToCarts();
                        counts[2] += r.getPurchases();
                        products.put(r.getTenantId() + "\u0000" + r.getItemId(), new Products.Info(uuid(r),
                                r.getItemId(), r.getItemName(), r.getItemBrand(), r.getItemCategory(),
                                r.getOccurredAt().toInstant()));
                    }
                }
                case "pair" -> {
                    if (range == null) {
                        pairs.merge(CoOccurrence.Pair.of(uuid(r), r.getItemId(), r.getOtherItemId()), 1L,
                                Long::sum);
                    }
                }
                case "alert" -> alerts.add(new Alerts.Alert(uuid(r), r.getAlertId(), "cart_abandoned", "info",
                        r.getOccurredAt().toInstant(), "Cart abandoned in session " + r.getSessionId(),
                        r.getDetails()));
                case "dead" -> dead.add(new DeadLetter(r.getTopic(), r.getKafkaPartition(), r.getKafkaOffset(),
                        r.getProblem(), r.getRaw()));
                default -> throw new IllegalStateException("unknown record kind " + r.getKind());
            }
        }

        // Rare (an out-of-order event before a session's start): the joins that handle it run only when there is one.
        boolean moved = sessions.stream().anyMatch(TrafficSink::startMoved);
        Set<String> newSessions = visitors(c, sessions, moved);
        Map<SliceKey, long[]> traffic = new HashMap<>();
        int counted = 0;
        for (TrafficRecord e : events) {
            long[] d = traffic.computeIfAbsent(new SliceKey(uuid(e), minute(e.getOccurredAt()), e.getChannel(),
                    e.getDevice()), k -> new long[TRAFFIC_SUMS.size()]);
            d[9] += e.getPageViews();
            d[10] += e.getProductViews();
            d[11] += e.getAddToCarts();
            d[12] += e.getCheckouts();
            d[13] += e.getPurchases();
            d[14] += e.getEvents();
            counted += e.getEvents();
        }
        Map<String, TrafficRecord> sessionRows = new LinkedHashMap<>();
        for (TrafficRecord s : sessions) {
            boolean isNew = newSessions.contains(sessionKey(s.getTenantId(), s.getSessionId(), s.getStartedAt()));
            SessionSnapshot before = s.getBefore();
            if (before != null && inRange(before.getStartedAt())) {
                contribute(traffic, uuid(s), before.getStartedAt(), before.getLastEventAt(), before.getChannel(),
                        before.getDevice(), before.getEvents(), before.isViewedProduct(), before.isAddedToCart(),
                        before.isBeganCheckout(), before.isPurchased(), isNew, -1);
            }
            if (inRange(s.getStartedAt())) {
                contribute(traffic, uuid(s), s.getStartedAt(), s.getLastEventAt(), s.getChannel(), s.getDevice(),
                        s.getEvents(), s.isViewedProduct(), s.isAddedToCart(), s.isBeganCheckout(), s.isPurchased(),
                        isNew, 1);
                sessionRows.put(sessionKey(s.getTenantId(), s.getSessionId(), s.getStartedAt()), s);
            }
        }

        writeTraffic(c, traffic);
        writeUsers(c, events);
        writeSessions(c, sessionRows.values(), newSessions, moved);
        writeProducts(c, items);
        Products.upsert(c, products.values());
        Instant newest = events.stream().map(e -> e.getOccurredAt().toInstant()).max(Instant::compareTo)
                .orElse(null);
        if (range == null) {
            CoOccurrence.add(c, "viewed", pairs);
            if (newest != null) {
                // Every tenant with traffic that week, judged once per closed hour of the stream.
                alerts.addAll(Anomalies.closedHours(c, scope, newest.minus(hourClosesAfter), "SELECT DISTINCT "
                        + "tenant_id, '' FROM traffic_day WHERE bucket >= ? AND bucket <= ?", key -> CONVERSION,
                        zLimit));
            }
        }
        int raised = Alerts.store(c, alerts);
        DeadLetters.write(c, TrafficJob.QUERY, dead);
        return new Result(counted, sessionRows.size(), raised, dead.size(), newest);
    }

    private boolean inRange(Timestamp t) {
        return range == null || range.contains(t.toInstant());
    }

    private static void contribute(Map<SliceKey, long[]> traffic, UUID tenant, Timestamp started, Timestamp last,
            String channel, String device, int events, boolean viewed, boolean carted, boolean checkout,
            boolean purchased, boolean isNew, int sign) {
        long[] d = traffic.computeIfAbsent(new SliceKey(tenant, minute(started), channel, device),
                k -> new long[TRAFFIC_SUMS.size()]);
        d[0] += sign;
        d[1] += isNew ? sign : 0;
        d[2] += events == 1 ? sign : 0;
        d[3] += viewed ? sign : 0;
        d[4] += carted ? sign : 0;
        d[5] += checkout ? sign : 0;
        d[6] += purchased ? sign : 0;
        d[7] += carted && !purchased ? sign : 0;
        d[8] += sign * ((last.getTime() - started.getTime()) / 1000);
    }

    /**
     * Records each visitor's first session (the earliest start among a batch's new sessions wins) and answers the
     * sessions that are their visitor's first: those count as new. Visitors recorded here count as new users in
     * the buckets of their first session's start.
     */
    private Set<String> visitors(Connection c, List<TrafficRecord> sessions, boolean moved) throws SQLException {
        Set<String> newSessions = new HashSet<>();
        if (sessions.isEmpty()) {
            return newSessions;
        }
        // Only a session seen for the first time, or whose start moved, can change whether it is its visitor's
        // first: a session carried on keeps what its first batch found (see writeSessions), and its slice and so its
        // new-session count stay where they were. Most updates are of sessions carried on.
        Copy copy = new Copy();
        for (TrafficRecord s : sessions) {
            if (inRange(s.getStartedAt()) && needsVisitorLookup(s)) {
                copy.row(s.getTenantId(), s.getSessionId(), s.getVisitorId(), s.getStartedAt().toInstant(),
                        s.getBefore() == null ? null : s.getBefore().getStartedAt().toInstant());
            }
        }
        if (copy.count() == 0) {
            return newSessions;
        }
        copy.into(c, "tmp_session_visitors", "tenant_id uuid, session_id text, visitor_id text, started_at "
                + "timestamptz, before_started_at timestamptz");
        Copy newUsers = new Copy();
        try (Statement st = c.createStatement()) {
            // A visitor's first session whose start moved earlier (an out-of-order event) takes the visitor's
            // first sighting along, and the new user moves to the new bucket.
            if (moved) {
                try (ResultSet rs = st.executeQuery("UPDATE visitors v SET first_seen = t.started_at FROM "
                        + "tmp_session_visitors t WHERE v.tenant_id = t.tenant_id AND v.visitor_id = t.visitor_id AND "
                        + "v.first_session_id = t.session_id AND v.first_seen = t.before_started_at AND "
                        + "t.before_started_at <> t.started_at RETURNING v.tenant_id, t.before_started_at, t.started_at")) {
                    while (rs.next()) {
                        newUsers.row(rs.getString(1), rs.getTimestamp(2).toInstant(), -1);
                        newUsers.row(rs.getString(1), rs.getTimestamp(3).toInstant(), 1);
                    }
                }
            }
            // A recompute may find a visitor earlier than the streams did: the earlier sighting wins.
            String conflict = range == null
                    ? "DO NOTHING"
                    : "(tenant_id, visitor_id) DO UPDATE SET first_session_id = excluded.first_session_id, "
                            + "first_seen = excluded.first_seen WHERE excluded.first_seen < visitors.first_seen";
            try (ResultSet rs = st.executeQuery("INSERT INTO visitors (tenant_id, visitor_id, first_session_id, "
                    + "first_seen) SELECT DISTINCT ON (tenant_id, visitor_id) tenant_id, visitor_id, session_id, "
                    + "started_at FROM tmp_session_visitors ORDER BY tenant_id, visitor_id, started_at, session_id "
                    + "ON CONFLICT " + conflict + " RETURNING tenant_id, first_seen")) {
                while (rs.next()) {
                    newUsers.row(rs.getString(1), rs.getTimestamp(2).toInstant(), 1);
                }
            }
            // New: the visitor's first session, by id and start (a session id used again after the gap is a
            // later session of the same visitor, not a new one).
            // One look-up by key per session (LATERAL ... LIMIT 1 keeps it a nested loop): a join would hash the
            // whole visitors table at every batch, a cost that grows with every visitor the shop ever had.
            try (ResultSet rs = st.executeQuery("SELECT t.tenant_id, t.session_id, t.started_at FROM "
                    + "tmp_session_visitors t JOIN LATERAL (SELECT 1 FROM visitors v WHERE v.tenant_id = t.tenant_id "
                    + "AND v.visitor_id = t.visitor_id AND v.first_session_id = t.session_id AND v.first_seen = "
                    + "t.started_at LIMIT 1) first ON true")) {
                while (rs.next()) {
                    newSessions.add(sessionKey(rs.getString(1), rs.getString(2), rs.getTimestamp(3)));
                }
            }
        }
        newUsers.into(c, "tmp_new_users", "tenant_id uuid, bucket timestamptz, new_users bigint");
        if (newUsers.count() > 0) {
            Rollups.add(c, "tmp_new_users", List.of(new Target("visitors_minute", "minute"),
                    new Target("visitors_hour", "hour"), new Target("visitors_day", "day")), List.of(),
                    List.of("new_users"));
        }
        return newSessions;
    }

    /** A session seen for the first time, or one whose start moved. */
    static boolean needsVisitorLookup(TrafficRecord s) {
        return s.getBefore() == null || startMoved(s);
    }

    /** A session seen before whose start moved earlier (an out-of-order event). */
    static boolean startMoved(TrafficRecord s) {
        return s.getBefore() != null && !s.getBefore().getStartedAt().equals(s.getStartedAt());
    }

    static String sessionKey(String tenant, String session, Timestamp startedAt) {
        return tenant + "\u0000" + session + "\u0000" + startedAt.getTime();
    }

    private static void writeTraffic(Connection c, Map<SliceKey, long[]> traffic) throws SQLException {
        Copy copy = new Copy();
        traffic.forEach((k, d) -> {
            boolean any = false;
            for (long v : d) {
                any |= v != 0;
            }
            if (any) {
                Object[] row = new Object[4 + d.length];
                row[0] = k.tenant();
                row[1] = k.minute();
                row[2] = k.channel();
                row[3] = k.device();
                for (int i = 0; i < d.length; i++) {
                    row[4 + i] = d[i];
                }
                copy.row(row);
            }
        });
        if (copy.count() == 0) {
            return;
        }
        copy.into(c, "tmp_traffic", "tenant_id uuid, bucket timestamptz, channel text, device text, "
                + String.join(" bigint, ", TRAFFIC_SUMS) + " bigint");
        Rollups.add(c, "tmp_traffic", List.of(new Target("traffic_minute", "minute"),
                new Target("traffic_hour", "hour"), new Target("traffic_day", "day")), List.of("channel", "device"),
                TRAFFIC_SUMS);
    }

    /**
     * Distinct visitors per grain: a presence row per (grain, bucket, visitor) is inserted once and counted then.
     * Only the grains an event row marks as new for its session are checked (see {@link TrafficRecord}).
     */
    private static void writeUsers(Connection c, List<TrafficRecord> events) throws SQLException {
        Set<String> seen = new HashSet<>();
        Copy copy = new Copy();
        for (TrafficRecord e : events) {
            long at = e.getOccurredAt().getTime();
            for (int g = 0; g < GRAINS.length; g++) {
                if ((e.getNewGrains() & (1 << g)) == 0) {
                    continue;
                }
                long bucket = at - Math.floorMod(at, TrafficRecord.GRAIN_MS[g]);
                if (seen.add(e.getTenantId() + "\u0000" + g + "\u0000" + bucket + "\u0000" + e.getVisitorId())) {
                    copy.row(e.getTenantId(), GRAINS[g], Instant.ofEpochMilli(bucket), e.getVisitorId());
                }
            }
        }
        if (seen.isEmpty()) {
            return;
        }
        copy.into(c, "tmp_presence", "tenant_id uuid, grain text, bucket timestamptz, visitor_id text");
        try (Statement st = c.createStatement()) {
            for (String grain : GRAINS) {
                st.executeUpdate("WITH added AS (INSERT INTO visitor_presence (tenant_id, grain, bucket, visitor_id) "
                        + "SELECT DISTINCT tenant_id, grain, bucket, visitor_id FROM tmp_presence WHERE grain = '"
                        + grain + "' ON CONFLICT DO NOTHING RETURNING tenant_id, bucket) "
                        + "INSERT INTO visitors_" + grain + " (tenant_id, bucket, users) SELECT tenant_id, bucket, "
                        + "count(*) FROM added GROUP BY tenant_id, bucket ON CONFLICT (tenant_id, bucket) DO UPDATE "
                        + "SET users = visitors_" + grain + ".users + excluded.users");
            }
        }
    }

    private static void writeSessions(Connection c, Iterable<TrafficRecord> sessions, Set<String> newSessions,
            boolean moved)
            throws SQLException {
        Copy copy = new Copy();
        for (TrafficRecord s : sessions) {
            SessionSnapshot before = s.getBefore();
            copy.row(s.getTenantId(), s.getSessionId(), s.getStartedAt().toInstant(), s.getLastEventAt().toInstant(),
                    s.getVisitorId(), s.getChannel(), s.getDevice(), s.getLandingPage(), s.getExitPage(),
                    s.getPageViews(), s.getEvents(), s.isViewedProduct(), s.isAddedToCart(), s.isBeganCheckout(),
                    s.isPurchased(),
                    needsVisitorLookup(s)
                            ? newSessions.contains(sessionKey(s.getTenantId(), s.getSessionId(), s.getStartedAt()))
                            : null,
                    s.isEnded(), before == null ? null : before.getStartedAt().toInstant());
        }
        if (copy.count() == 0) {
            return;
        }
        copy.into(c, "tmp_sessions", "tenant_id uuid, session_id text, started_at timestamptz, last_event_at "
                + "timestamptz, visitor_id text, channel text, device text, landing_page text, exit_page text, "
                + "page_views integer, events integer, viewed_product boolean, added_to_cart boolean, "
                + "began_checkout boolean, purchased boolean, new_visitor boolean, ended boolean, "
                + "before_started_at timestamptz");
        try (Statement st = c.createStatement()) {
            // A session whose start moved earlier (an out-of-order event) leaves its old row.
            if (moved) {
                st.executeUpdate("DELETE FROM sessions s USING tmp_sessions t WHERE s.tenant_id = t.tenant_id "
                        + "AND s.session_id = t.session_id AND s.started_at = t.before_started_at "
                        + "AND t.before_started_at <> t.started_at");
            }
            // A session looked up this batch (new, or its start moved) is written with what the look-up found; one
            // carried on keeps its stored new_visitor (staged as null).
            String upsert = "INSERT INTO sessions (tenant_id, session_id, started_at, last_event_at, visitor_id, "
                    + "channel, device, landing_page, exit_page, page_views, events, viewed_product, added_to_cart, "
                    + "began_checkout, purchased, new_visitor, ended) SELECT tenant_id, session_id, started_at, "
                    + "last_event_at, visitor_id, channel, device, landing_page, exit_page, page_views, events, "
                    + "viewed_product, added_to_cart, began_checkout, purchased, coalesce(new_visitor, false), ended "
                    + "FROM tmp_sessions WHERE new_visitor IS %s NULL "
                    + "ON CONFLICT (tenant_id, session_id, started_at) DO UPDATE SET last_event_at = "
                    + "excluded.last_event_at, channel = excluded.channel, device = excluded.device, landing_page = "
                    + "excluded.landing_page, exit_page = excluded.exit_page, page_views = excluded.page_views, "
                    + "events = excluded.events, viewed_product = excluded.viewed_product, added_to_cart = "
                    + "excluded.added_to_cart, began_checkout = excluded.began_checkout, purchased = "
                    + "excluded.purchased, %sended = excluded.ended";
            st.executeUpdate(String.format(upsert, "NOT", "new_visitor = excluded.new_visitor, "));
            st.executeUpdate(String.format(upsert, "", ""));
        }
    }

    private static void writeProducts(Connection c, Map<ItemKey, long[]> items) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        Copy copy = new Copy();
        items.forEach((k, d) -> copy.row(k.tenant(), k.minute(), k.item(), d[0], d[1], d[2]));
        copy.into(c, "tmp_products", "tenant_id uuid, bucket timestamptz, item_id text, views bigint, "
                + "add_to_carts bigint, purchases bigint");
        Rollups.add(c, "tmp_products", List.of(new Target("product_minute", "minute"),
                new Target("product_hour", "hour")), List.of("item_id"),
                List.of("views", "add_to_carts",
                        "purchases"));
    }

    static Instant minute(Timestamp t) {
        return t.toInstant().truncatedTo(ChronoUnit.MINUTES);
    }

    private static UUID uuid(TrafficRecord r) {
        return UUID.fromString(r.getTenantId());
    }
}
