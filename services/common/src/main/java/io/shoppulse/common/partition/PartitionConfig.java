package io.shoppulse.common.partition;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which of the service's time-partitioned tables the maintenance job looks after. Keys are schema-qualified table
 * names, quoted in properties: {@code shoppulse.partitions.tables."collector.events".granularity=day}.
 */
@ConfigMapping(prefix = "shoppulse.partitions")
public interface PartitionConfig {

    /** How often the maintenance route runs after the run at start-up. */
    @WithDefault("1h")
    Duration every();

    Map<String, Table> tables();

    interface Table {

        Granularity granularity();

        /** Future partitions kept ready, beyond the current one. */
        @WithDefault("7")
        int premake();

        /** Past partitions kept besides the current one; older ones are dropped. Unset keeps everything. */
        OptionalInt retain();

        /**
         * Percent of each page that inserts fill, leaving the rest for new versions of updated rows: an update that
         * finds room on its page changes no index and its old version is pruned without a VACUUM (a HOT update).
         * For tables whose rows are updated again and again. Unset: PostgreSQL's default, 100.
         */
        OptionalInt fillfactor();
    }
}
