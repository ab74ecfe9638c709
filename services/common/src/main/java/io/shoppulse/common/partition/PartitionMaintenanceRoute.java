package io.shoppulse.common.partition;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The schedule that keeps future partitions created and old ones dropped, in every service with such tables. */
@ApplicationScoped
public class PartitionMaintenanceRoute extends RouteBuilder {

    private final PartitionConfig config;
    private final PartitionMaintenance maintenance;
    private final String service;

    public PartitionMaintenanceRoute(PartitionConfig config, PartitionMaintenance maintenance,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.config = config;
        this.maintenance = maintenance;
        this.service = service;
    }

    @Override
    public void configure() {
        if (!maintenance.hasTables()) {
            return;
        }
        long period = config.every().toMillis();
        from("timer:partition-maintenance?delay=" + period + "&period=" + period)
                .routeId(service + "-partition-maintenance")
                .bean(maintenance, "maintainAll");
    }
}
