package io.shoppulse.analytics.live;

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
            Duration.ofMinutes(5), Duration.ofSeconds(10), 60, 2);
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
}
