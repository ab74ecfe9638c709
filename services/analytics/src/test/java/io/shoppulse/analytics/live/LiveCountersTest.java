package io.shoppulse.analytics.live;

import io.shoppulse.analytics.model.LiveMinute;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The live counters' rules on a fixed clock: the grace, the session window, the bounded dedup memory. */
class LiveCountersTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30Z");
    private final LiveCounters counters = new LiveCounters(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10),
            Duration.ofMinutes(5), Duration.ofSeconds(10), 60, 2, Duration.ofMinutes(2));
    private final UUID tenant = UUID.randomUUID();

    @Test
    void recordsOfTheMinuteBeforeCountOnlyWithinTheGrace() {
        assertThat(counters.apply(LiveRecord.event("e1", tenant, NOW.minusSeconds(29), "s"))).isEqualTo(
                LiveCounters.Outcome.COUNTED);
        assertThat(counters.apply(LiveRecord.event("e2", tenant, NOW.minusSeconds(31), "s"))).isEqualTo(
                LiveCounters.Outcome.LATE);
        assertThat(counters.apply(LiveRecord.event("e3", tenant, NOW.plusSeconds(60), "s"))).isEqualTo(
                LiveCounters.Outcome.LATE);
        assertThat(counters.view(tenant).events()).isEqualTo(1);
    }

    @Test
    void theDedupMemoryIsBoundedOldestFirst() {
        counters.apply(LiveRecord.event("e1", tenant, NOW, "s"));
        counters.apply(LiveRecord.event("e2", tenant, NOW, "s"));
        assertThat(counters.apply(LiveRecord.event("e2", tenant, NOW, "s"))).isEqualTo(
                LiveCounters.Outcome.DUPLICATE);
        counters.apply(LiveRecord.event("e3", tenant, NOW, "s")); // forgets e1
        assertThat(counters.apply(LiveRecord.event("e1", tenant, NOW, "s"))).isEqualTo(LiveCounters.Outcome.COUNTED);
    }

    @Test
    void revenueIsExactPerCurrency() {
        counters.apply(LiveRecord.order("o1", tenant, NOW, NOW, 1, "EUR", new BigDecimal("0.10")));
        counters.apply(LiveRecord.order("o2", tenant, NOW, NOW, 1, "EUR", new BigDecimal("0.20")));
        counters.apply(LiveRecord.order("o3", tenant, NOW, NOW, 0, "JPY", new BigDecimal("-300")));
        assertThat(counters.view(tenant).netRevenue()).containsEntry("EUR", "0.30").containsEntry("JPY", "-300");
        assertThat(counters.view(tenant).orders()).isEqualTo(2);
    }

    @Test
    void activeSessionsCountNewAndReturningSessionsAtOnceAndLeaveAfterTheWindow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:15:05Z"));
        LiveCounters lane = new LiveCounters(clock, Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofSeconds(10), 60, 1000, Duration.ofMinutes(2));
        lane.apply(LiveRecord.event("a", tenant, clock.now, "s1"));
        lane.apply(LiveRecord.event("b", tenant, clock.now, "s2"));
        assertThat(lane.view(tenant).activeSessions()).isEqualTo(2);
        // In the same second: a new session counts at once, another event of a counted one changes nothing.
        lane.apply(LiveRecord.event("c", tenant, clock.now, "s3"));
        lane.apply(LiveRecord.event("d", tenant, clock.now, "s1"));
        assertThat(lane.view(tenant).activeSessions()).isEqualTo(3);

        clock.now = Instant.parse("2026-11-25T10:20:05Z"); // exactly the window: still active
        assertThat(lane.view(tenant).activeSessions()).isEqualTo(3);
        clock.now = Instant.parse("2026-11-25T10:20:06Z");
        assertThat(lane.view(tenant).activeSessions()).isZero();
        // A session back after the window counts again at once.
        lane.apply(LiveRecord.event("e", tenant, clock.now, "s2"));
        assertThat(lane.view(tenant).activeSessions()).isEqualTo(1);
    }

    @Test
    void aClosedMinuteSwitchesToSparkOnceSparkHasWhatTheLaneCountedOrOnceItHasSettled() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:15:05Z"));
        LiveCounters lane = new LiveCounters(clock, Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofSeconds(10), 60, 1000, Duration.ofMinutes(2));
        Instant minute = Instant.parse("2026-11-25T10:14:00Z");
        UUID other = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            lane.apply(LiveRecord.event("a" + i, tenant, minute.plusSeconds(50), "s"));
            lane.apply(LiveRecord.event("b" + i, other, minute.plusSeconds(50), "s"));
        }
        clock.now = Instant.parse("2026-11-25T10:15:30Z");
        java.util.List<Boolean> heard = new java.util.ArrayList<>();
        LiveCounters.ReconciliationListener listener = (d, differs) -> heard.add(differs);

        // Spark is still counting the minute: 2 of 3 events. The live count stays, nothing is reported yet.
        lane.reconcile(tenant, java.util.Map.of(minute, new LiveCounters.SparkMinute(2L, null, null)), listener);
        assertThat(closed(lane, tenant, minute).source()).isEqualTo(LiveMinute.LIVE);
        assertThat(closed(lane, tenant, minute).events()).isEqualTo(3);
        assertThat(heard).isEmpty();
        // Spark has caught up: its row takes over, and the lanes agree.
        lane.reconcile(tenant, java.util.Map.of(minute, new LiveCounters.SparkMinute(3L, null, null)), listener);
        assertThat(closed(lane, tenant, minute).source()).isEqualTo(LiveMinute.SPARK);
        assertThat(heard).containsExactly(false);

        // The other tenant's minute: Spark never reaches the live count, so its row takes over once the minute
        // has been closed for two minutes, and the difference is reported then, once.
        lane.reconcile(other, java.util.Map.of(minute, new LiveCounters.SparkMinute(2L, null, null)), listener);
        assertThat(closed(lane, other, minute).source()).isEqualTo(LiveMinute.LIVE);
        clock.now = Instant.parse("2026-11-25T10:17:01Z");
        lane.reconcile(other, java.util.Map.of(minute, new LiveCounters.SparkMinute(2L, null, null)), listener);
        lane.reconcile(other, java.util.Map.of(minute, new LiveCounters.SparkMinute(2L, null, null)), listener);
        assertThat(closed(lane, other, minute).source()).isEqualTo(LiveMinute.SPARK);
        assertThat(closed(lane, other, minute).events()).isEqualTo(2);
        assertThat(heard).containsExactly(false, true);
    }

    private static LiveMinute closed(LiveCounters lane, UUID tenant, Instant minute) {
        return lane.view(tenant).recent().stream().filter(m -> m.minute().equals(minute)).findFirst().orElseThrow();
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
