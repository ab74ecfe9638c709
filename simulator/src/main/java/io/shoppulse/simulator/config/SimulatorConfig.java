package io.shoppulse.simulator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The simulator's settings; every key has an environment override (see application.properties and the README). */
@ConfigMapping(prefix = "shoppulse.simulator")
public interface SimulatorConfig {

    /** Where tracker events go: {collector}/v1/events. */
    @WithDefault("http://127.0.0.1:8081")
    String collectorUrl();

    /** The catalog service, used only when it answers. */
    @WithDefault("http://127.0.0.1:8082")
    String catalogUrl();

    /** The tenants, {@code uuid=write-key,...}; {@link #tenantsFile()} is preferred (keeps keys out of the env). */
    Optional<String> tenants();

    /** A file holding the tenants in the same form, one per line. */
    Optional<String> tenantsFile();

    /** New sessions per second across all tenants, averaged over a week (the seasonality shapes each hour). */
    @WithDefault("0.5")
    double rate();

    /** Play only the first N tenants of the list. */
    Optional<Integer> tenantCount();

    /** Stop after this long (ISO-8601 or e.g. 90s, 10m); runs until stopped when absent. */
    Optional<Duration> duration();

    /** Makes the run repeatable (ids included); a fresh random seed when absent. */
    Optional<Long> seed();

    /** Hour-of-day and weekday rate multipliers; false keeps the rate flat. */
    @WithDefault("true")
    boolean seasonality();

    /** The mean pause between two pages of a session (drawn from a log-normal around it). */
    @WithDefault("4s")
    Duration thinkTime();

    /** How many simulated seconds pass per real second between an order's steps (1440: a day in a minute). */
    @WithDefault("1440")
    double timeScale();

    /** Products per shop. */
    @WithDefault("240")
    int catalogSize();

    /** The most events one POST carries (the tracker's batch size). */
    @WithDefault("20")
    int batchSize();

    /** How often a one-line JSON summary is logged. */
    @WithDefault("10s")
    Duration summaryInterval();

    /** Where the latest summary is also written as JSON (the launcher's status reads it); none when absent. */
    Optional<String> statusFile();

    RabbitMq rabbitmq();

    interface RabbitMq {
        @WithDefault("127.0.0.1")
        String host();

        @WithDefault("5672")
        int port();

        @WithDefault("shoppulse")
        String vhost();

        @WithDefault("shoppulse")
        String user();

        @WithDefault("")
        String password();

        @WithDefault("shop.commerce")
        String exchange();
    }
}
