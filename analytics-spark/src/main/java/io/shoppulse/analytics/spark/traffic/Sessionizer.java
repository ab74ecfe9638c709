package io.shoppulse.analytics.spark.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sessionization by (tenant, session_id) with an inactivity gap (docs/metrics.md, "Sessions"). Per group and
 * micro-batch it counts each event id once, folds late and out-of-order events into the session, and emits what
 * changed: the counted events and their products, the session's new snapshot beside the one it last reported,
 * viewed-together pairs, and, when the session ends with a cart and no purchase, a cart-abandonment alert. The same
 * fold runs in the streaming query ({@link SessionProcessor}: state and event-time timers of transformWithState) and
 * in the batch recompute ({@link #batch}: every session ends with the data).
 */
public class Sessionizer implements Serializable {

    /** The grouping key of records no job can read: they pass straight through to the dead letters. */
    public static final String DEAD = "#dead";
    /** A session's viewed products kept for pairs; beyond this a session adds no more pairs (bounded state). */
    static final int MAX_VIEWED = 50;
    /**
     * Event ids remembered per session for deduplication: the newest ones. A redelivery is close to its original, so
     * only a session of more events than this (a bot, an always-open kiosk) could count an old repeat again.
     */
    static final int MAX_FINGERPRINTS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long gapMs;
    private final boolean batch;

    public Sessionizer(Duration gap, boolean batch) {
        this.gapMs = gap.toMillis();
        this.batch = batch;
    }

    public static String key(TrafficEvent e) {
        return e.getProblem() != null ? DEAD : e.getTenantId() + "\u0000" + e.getSessionId();
    }

    /** What one group's events did: the records to emit, and the session to keep (null when none is open). */
    public record Step(List<TrafficRecord> out, SessionState session) {
    }

    /** The batch recompute's function: a group's events from first to last, every session ended at the end. */
    public static FlatMapGroupsFunction<String, TrafficEvent, TrafficRecord> batch(Duration gap) {
        Sessionizer sessions = new Sessionizer(gap, true);
        return (key, input) -> sessions.fold(key, input, null).out().iterator();
    }

    /** The time at which an open session ends unless another event comes: its last event plus the gap. */
    public long endsAt(SessionState s) {
        return s.getLastEventAt().getTime() + gapMs;
    }

    /** A session whose inactivity timer fired: its final snapshot and, with a cart left, the alert. */
    public List<TrafficRecord> expire(SessionState s) {
        List<TrafficRecord> out = new ArrayList<>();
        end(s, out);
        return out;
    }

    /** Folds a group's new events into its open session ({@code open}, null when none). */
    public Step fold(String key, Iterator<TrafficEvent> input, SessionState open) {
        List<TrafficRecord> out = new ArrayList<>();
        if (DEAD.equals(key)) {
            input.forEachRemaining(e -> out.add(dead(e)));
            return new Step(out, null);
        }
        List<TrafficEvent> events = new ArrayList<>();
        input.forEachRemaining(events::add);
        events.sort(Comparator.comparing(TrafficEvent::getOccurredAt).thenComparing(TrafficEvent::getEventId));
        SessionState s = open;
        Counted earlier = open == null
                ? Counted.NOTHING
                : new Counted(open, open.getStartedAt().getTime(), open.getLastEventAt().getTime());
        Set<Long> seen = s == null ? new HashSet<>() : new HashSet<>(s.getEventIds());
        Counts counts = new Counts();
        boolean changed = false;
        for (TrafficEvent e : events) {
            if (s != null && e.getOccurredAt().getTime() > s.getLastEventAt().getTime() + gapMs) {
                // Inactivity ended the session (its final snapshot carries what changed since the last one): the
                // same session id now starts a new one.
                end(s, out);
                s = null;
                seen = new HashSet<>();
                changed = false;
            }
            long fingerprint = fingerprint(e.getEventId());
            if (!seen.add(fingerprint)) {
                continue; // counted before: a retry or a redelivery
            }
            if (s == null) {
                s = start(e);
            }
            apply(s, e, counts, earlier, out);
            s.getEventIds().add(fingerprint);
            if (s.getEventIds().size() > MAX_FINGERPRINTS) {
                s.getEventIds().remove(0); // a session that never rests keeps bounded state
            }
            changed = true;
        }
        out.addAll(counts.records());
        if (s == null) {
            return new Step(out, null);
        }
        if (batch) {
            end(s, out);
            return new Step(out, null);
        }
        if (changed) {
            out.add(snapshot(s, false));
            s.setEmitted(emitted(s));
        }
        return new Step(out, s);
    }

    private static SessionState start(TrafficEvent e) {
        SessionState s = new SessionState();
        s.setTenantId(e.getTenantId());
        s.setSessionId(e.getSessionId());
        s.setVisitorId(e.getAnonymousId());
        s.setStartedAt(e.getOccurredAt());
        s.setLastEventAt(e.getOccurredAt());
        s.setChannel(channel(e));
        s.setDevice(e.getDeviceClass() == null || e.getDeviceClass().isBlank()
                ? "unknown"
                : e.getDeviceClass().toLowerCase());
        return s;
    }

    /** The session's channel: its earliest event's UTM source / medium, or (direct). */
    static String channel(TrafficEvent e) {
        if (e.getUtmSource() == null || e.getUtmSource().isBlank()) {
            return "(direct)";
        }
        String medium = e.getUtmMedium() == null || e.getUtmMedium().isBlank() ? "(none)" : e.getUtmMedium();
        return (e.getUtmSource() + " / " + medium).toLowerCase();
    }

    /**
     * A 64-bit fingerprint of an event id: the two halves of a UUID (the contract's ids) folded, or FNV-1a of any
     * other text. State keeps these instead of the ids (a quarter of the bytes); within one session a collision is
     * practically impossible.
     */
    static long fingerprint(String eventId) {
        if (eventId.length() == 36) {
            try {
                UUID id = UUID.fromString(eventId);
                return id.getMostSignificantBits() ^ Long.rotateLeft(id.getLeastSignificantBits(), 1);
            } catch (IllegalArgumentException notUuid) {
                // fall through to the text hash
            }
        }
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h ^= eventId.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * The counted events of one call, summed per minute, channel and device (and per minute and product): one
     * output row per group instead of one per event keeps the rows Spark serialises and collects few.
     */
    private static final class Counts {
        private final Map<String, TrafficRecord> rows = new LinkedHashMap<>();

        TrafficRecord event(SessionState s, Timestamp minute) {
            return rows.computeIfAbsent("e\u0000" + minute.getTime() + "\u0000" + s.getChannel() + "\u0000"
                    + s.getDevice(), k -> {
                        TrafficRecord r = base("event", s);
                        r.setOccurredAt(minute);
                        return r;
                    });
        }

        TrafficRecord item(SessionState s, Timestamp minute, EventItem item) {
            TrafficRecord r = rows.computeIfAbsent("i\u0000" + minute.getTime() + "\u0000" + item.getItemId(),
                    k -> {
                        TrafficRecord row = base("item", s);
                        row.setOccurredAt(minute);
                        row.setItemId(item.getItemId());
                        return row;
                    });
            if (item.getItemName() != null) {
                r.setItemName(item.getItemName());
            }
            if (item.getItemBrand() != null) {
                r.setItemBrand(item.getItemBrand());
            }
            if (item.getItemCategory() != null) {
                r.setItemCategory(item.getItemCategory());
            }
            return r;
        }

        Collection<TrafficRecord> records() {
            return rows.values();
        }
    }

    /**
     * The buckets in which an open session's visitor was counted before this fold: those of its first and its last
     * event so far (both counted in an earlier batch, whose presence rows are stored with its state). In steady
     * traffic nearly every event falls into one of them, so the sink checks presence only when a session reaches a
     * new minute, hour or day instead of for every session of every batch (that check was half of the sink's time).
     */
    private record Counted(SessionState session, long first, long last) {
        static final Counted NOTHING = new Counted(null, 0, 0);

        /** The grains whose bucket of {@code minute} may not count {@code s}'s visitor yet. */
        int newGrains(SessionState s, long minute) {
            if (s != session) {
                return TrafficRecord.ALL_GRAINS; // a session this fold started
            }
            int grains = 0;
            for (int g = 0; g < TrafficRecord.GRAIN_MS.length; g++) {
                long ms = TrafficRecord.GRAIN_MS[g];
                long bucket = Math.floorDiv(minute, ms);
                if (bucket != Math.floorDiv(first, ms) && bucket != Math.floorDiv(last, ms)) {
                    grains |= 1 << g;
                }
            }
            return grains;
        }
    }

    private void apply(SessionState s, TrafficEvent e, Counts counts, Counted earlier, List<TrafficRecord> out) {
        Timestamp at = e.getOccurredAt();
        if (at.before(s.getStartedAt())) {
            // An out-of-order event earlier than the session's start: the session now starts here, with this
            // event's channel and device (the first event decides them).
            s.setStartedAt(at);
            s.setChannel(channel(e));
            if (e.getDeviceClass() != null && !e.getDeviceClass().isBlank()) {
                s.setDevice(e.getDeviceClass().toLowerCase());
            }
        }
        if (at.after(s.getLastEventAt())) {
            s.setLastEventAt(at);
        }
        if (e.getUserId() != null) {
            s.setUserId(e.getUserId());
        }
        s.setEvents(s.getEvents() + 1);
        String type = e.getType();
        switch (type) {
            case "page_view" -> {
                s.setPageViews(s.getPageViews() + 1);
                if (e.getPagePath() != null) {
                    if (s.getLandingAt() == null || at.before(s.getLandingAt())) {
                        s.setLandingAt(at);
                        s.setLandingPage(e.getPagePath());
                    }
                    if (s.getExitAt() == null || !at.before(s.getExitAt())) {
                        s.setExitAt(at);
                        s.setExitPage(e.getPagePath());
                    }
                }
            }
            case "view_item" -> s.setViewedProduct(true);
            case "add_to_cart" -> s.setAddedToCart(true);
            case "begin_checkout" -> s.setBeganCheckout(true);
            case "purchase" -> s.setPurchased(true);
            default -> {
            }
        }
        Timestamp minute = new Timestamp(at.getTime() - Math.floorMod(at.getTime(), 60_000L));
        TrafficRecord event = counts.event(s, minute);
        event.setEvents(event.getEvents() + 1);
        event.setNewGrains(event.getNewGrains() | earlier.newGrains(s, minute.getTime()));
        switch (type) {
            case "page_view" -> event.setPageViews(event.getPageViews() + 1);
            case "view_item" -> event.setProductViews(event.getProductViews() + 1);
            case "add_to_cart" -> event.setAddToCarts(event.getAddToCarts() + 1);
            case "begin_checkout" -> event.setCheckouts(event.getCheckouts() + 1);
            case "purchase" -> event.setPurchases(event.getPurchases() + 1);
            default -> {
            }
        }
        if (e.getItems() == null) {
            return;
        }
        boolean counted = "view_item".equals(type) || "add_to_cart".equals(type) || "purchase".equals(type);
        for (EventItem item : e.getItems()) {
            if (item == null || item.getItemId() == null) {
                continue;
            }
            if (counted) {
                TrafficRecord r = counts.item(s, minute, item);
                switch (type) {
                    case "view_item" -> r.setProductViews(r.getProductViews() + 1);
                    case "add_to_cart" -> r.setAddToCarts(r.getAddToCarts() + 1);
                    default -> r.setPurchases(r.getPurchases() + 1);
                }
            }
            if ("view_item".equals(type) && !s.getViewedItems().contains(item.getItemId())
                    && s.getViewedItems().size() < MAX_VIEWED) {
                for (String other : s.getViewedItems()) {
                    TrafficRecord pair = base("pair", s);
                    boolean first = item.getItemId().compareTo(other) < 0;
                    pair.setItemId(first ? item.getItemId() : other);
                    pair.setOtherItemId(first ? other : item.getItemId());
                    out.add(pair);
                }
                s.getViewedItems().add(item.getItemId());
            }
            if ("add_to_cart".equals(type)) {
                if (!s.getCartItems().contains(item.getItemId())) {
                    s.getCartItems().add(item.getItemId());
                }
                if (item.getPrice() != null && e.getCurrency() != null) {
                    int quantity = item.getQuantity() == null ? 1 : item.getQuantity();
                    BigDecimal line = item.getPrice().multiply(BigDecimal.valueOf(quantity));
                    s.setCartValue(s.getCartValue() == null ? line : s.getCartValue().add(line));
                    s.setCartCurrency(e.getCurrency());
                }
            }
            if ("remove_from_cart".equals(type)) {
                s.getCartItems().remove(item.getItemId());
                if (item.getPrice() != null && s.getCartValue() != null && e.getCurrency() != null
                        && e.getCurrency().equals(s.getCartCurrency())) {
                    int quantity = item.getQuantity() == null ? 1 : item.getQuantity();
                    BigDecimal left = s.getCartValue().subtract(item.getPrice().multiply(BigDecimal.valueOf(
                            quantity)));
                    s.setCartValue(left.signum() < 0 ? BigDecimal.ZERO : left);
                }
            }
        }
    }

    /**
     * The session ended: its final snapshot, and the cart-abandonment alert if it still had products in the cart and
     * no purchase.
     */
    private void end(SessionState s, List<TrafficRecord> out) {
        out.add(snapshot(s, true));
        if (batch || s.getCartItems().isEmpty() || s.isPurchased()) {
            return; // history raises no alerts; an emptied cart was not abandoned
        }
        TrafficRecord alert = base("alert", s);
        alert.setAlertId("cart_abandoned:" + s.getSessionId() + ":" + s.getStartedAt().toInstant());
        alert.setOccurredAt(new Timestamp(s.getLastEventAt().getTime() + gapMs));
        ObjectNode details = JSON.createObjectNode();
        details.put("session_id", s.getSessionId());
        details.put("visitor_id", s.getVisitorId());
        if (s.getUserId() != null) {
            details.put("user_id", s.getUserId());
        }
        details.put("started_at", s.getStartedAt().toInstant().toString());
        details.put("last_event_at", s.getLastEventAt().toInstant().toString());
        details.put("channel", s.getChannel());
        details.put("device", s.getDevice());
        ArrayNode items = details.putArray("cart_items");
        s.getCartItems().forEach(items::add);
        if (s.getCartValue() != null) {
            details.put("cart_value", s.getCartValue().setScale(4, java.math.RoundingMode.HALF_EVEN).toPlainString());
            details.put("currency", s.getCartCurrency());
        }
        alert.setDetails(details.toString());
        out.add(alert);
    }

    private static TrafficRecord snapshot(SessionState s, boolean ended) {
        TrafficRecord r = base("session", s);
        r.setStartedAt(s.getStartedAt());
        r.setLastEventAt(s.getLastEventAt());
        r.setLandingPage(s.getLandingPage());
        r.setExitPage(s.getExitPage());
        r.setPageViews(s.getPageViews());
        r.setEvents(s.getEvents());
        r.setViewedProduct(s.isViewedProduct());
        r.setAddedToCart(s.isAddedToCart());
        r.setBeganCheckout(s.isBeganCheckout());
        r.setPurchased(s.isPurchased());
        r.setEnded(ended);
        r.setBefore(s.getEmitted());
        return r;
    }

    private static SessionSnapshot emitted(SessionState s) {
        SessionSnapshot e = new SessionSnapshot();
        e.setStartedAt(s.getStartedAt());
        e.setLastEventAt(s.getLastEventAt());
        e.setChannel(s.getChannel());
        e.setDevice(s.getDevice());
        e.setEvents(s.getEvents());
        e.setViewedProduct(s.isViewedProduct());
        e.setAddedToCart(s.isAddedToCart());
        e.setBeganCheckout(s.isBeganCheckout());
        e.setPurchased(s.isPurchased());
        return e;
    }

    private static TrafficRecord base(String kind, SessionState s) {
        TrafficRecord r = new TrafficRecord();
        r.setKind(kind);
        r.setTenantId(s.getTenantId());
        r.setSessionId(s.getSessionId());
        r.setVisitorId(s.getVisitorId());
        r.setChannel(s.getChannel());
        r.setDevice(s.getDevice());
        return r;
    }

    private static TrafficRecord dead(TrafficEvent e) {
        TrafficRecord r = new TrafficRecord();
        r.setKind("dead");
        r.setProblem(e.getProblem());
        r.setRaw(e.getRaw());
        r.setTopic(e.getTopic());
        r.setKafkaPartition(e.getKafkaPartition());
        r.setKafkaOffset(e.getKafkaOffset());
        return r;
    }
}
