package io.shoppulse.common.partition;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Map;

/**
 * Runs {@link PartitionMaintainer} over the configured tables: once before the service takes traffic, then on the
 * schedule of {@link PartitionMaintenanceRoute}.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);

    private final PartitionConfig config;
    private final Instance<DataSource> dataSource;

    public PartitionMaintenance(PartitionConfig config, Instance<DataSource> dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.tables().isEmpty()) {
            maintainAll(); // fails start-up on a misconfigured table rather than later on the first insert
        }
    }

    public void maintainAll() {
        PartitionMaintainer maintainer = new PartitionMaintainer(dataSource.get(), Clock.systemUTC());
        for (Map.Entry<String, PartitionConfig.Table> entry : config.tables().entrySet()) {
            PartitionConfig.Table table = entry.getValue();
            PartitionMaintainer.Result result = maintainer.maintain(entry.getKey(), table.granularity(),
                    table.premake(), table.retain(), table.fillfactor());
            LOG.debugf("Partitions of %s: created %s, dropped %s, fill factor set on %s", entry.getKey(),
                    result.created(), result.dropped(), result.refilled());
        }
    }

    public boolean hasTables() {
        return !config.tables().isEmpty();
    }
}
