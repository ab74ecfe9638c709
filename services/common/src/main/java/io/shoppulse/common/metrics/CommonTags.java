package io.shoppulse.common.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/** Tags every meter with the platform and the service, so one Prometheus can scrape every service. */
@Singleton
public class CommonTags {

    @Produces
    @Singleton
    public MeterFilter commonTags(@ConfigProperty(name = "quarkus.application.name") String service) {
        return MeterFilter.commonTags(List.of(Tag.of("application", "shoppulse"), Tag.of("service", service)));
    }
}
