package io.shoppulse.collector.service;

import io.shoppulse.common.partition.Granularity;
import io.shoppulse.common.partition.PartitionMaintainer;

import java.time.Instant;
import java.util.Collection;

/** The day partitions of collector.events that events of given days need, made before those events are loaded. */
final class DayPartitions {

    static final String TABLE = "collector.events";
    private static final long DAY_SECONDS = 86_400L;

    private DayPartitions() {
    }

    /** The UTC day (days since 1970-01-01) an instant falls on. */
    static long dayOf(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), DAY_SECONDS);
    }

    /** Creates the partitions of the days that have none, one call per run of consecutive days. */
    static void ensure(PartitionMaintainer maintainer, Collection<Long> days) {
        if (days.isEmpty()) {
            return;
        }
        long[] sorted = days.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        int from = 0;
        for (int i = 1; i <= sorted.length; i++) {
            if (i == sorted.length || sorted[i] != sorted[i - 1] + 1) {
                maintainer.ensureRange(TABLE, Granularity.DAY, Instant.ofEpochSecond(sorted[from] * DAY_SECONDS),
                        Instant.ofEpochSecond((sorted[i - 1] + 1) * DAY_SECONDS));
                from = i;
            }
        }
    }
}
