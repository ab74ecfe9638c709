package io.shoppulse.simulator;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.shoppulse.simulator.client.CollectorClient;
import io.shoppulse.simulator.client.OrderPublisher;
import io.shoppulse.simulator.config.SimulatorConfig;
import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.model.Json;
import io.shoppulse.simulator.shop.Shop;
import io.shoppulse.simulator.traffic.OrderLifecycle;
import io.shoppulse.simulator.traffic.Seasonality;
import io.shoppulse.simulator.traffic.SessionPlanner;
import io.shoppulse.simulator.traffic.Simulation;
import io.shoppulse.simulator.traffic.Stats;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code java -jar quarkus-run.jar [--rate R] [--tenants N] [--duration D] [--seed S] [--time-scale X]}. */
@TopCommand
@Command(name = "shoppulse-simulator", mixinStandardHelpOptions = true, description = "Simulates shops: visitors' sessions send tracker events to the collector, their orders go to"
        + " RabbitMQ (exchange shop.commerce). Flags override the configuration (see simulator/README.md).")
public class SimulatorCommand implements Runnable {

    private static final Logger LOG = Logger.getLogger(SimulatorCommand.class);
    /** How long a finished run waits for sessions under way to end and deliver their events. */
    private static final Duration DRAIN = Duration.ofSeconds(60);

    @Inject
    SimulatorConfig config;

    @Option(names = "--rate", paramLabel = "SESSIONS_PER_S", description = "new sessions per second across all tenants (weekly mean; default from config: 0.5)")
    Double rate;

    @Option(names = "--tenants", paramLabel = "N", description = "play only the first N configured tenants")
    Integer tenants;

    @Option(names = "--duration", paramLabel = "D", description = "stop after D (e.g. 90s, 10m, 2h, or ISO-8601 PT10M); runs until stopped when absent")
    String duration;

    @Option(names = "--seed", paramLabel = "S", description = "repeatable run (ids included)")
    Long seed;

    @Option(names = "--time-scale", paramLabel = "X", description = "simulated seconds per real second between an order's steps (default 1440: a day a minute)")
    Double timeScale;

    @Option(names = "--no-seasonality", description = "a flat rate instead of the hour-of-day and weekday curve")
    boolean flat;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public void run() {
        List<TenantSpec> specs = tenants();
        double sessionsPerSecond = rate != null ? rate : config.rate();
        long runSeed = seed != null ? seed : config.seed().orElse(System.nanoTime());
        Duration limit = duration != null ? parseDuration(duration) : config.duration().orElse(null);
        boolean seasonal = !flat && config.seasonality();
        if (sessionsPerSecond <= 0 || sessionsPerSecond > 2000) {
            throw new IllegalArgumentException("--rate must be above 0 and at most 2000 sessions/s");
        }
        List<Shop> shops = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            shops.add(new Shop(specs.get(i), i + 1, config.catalogSize()));
        }
        Stats stats = new Stats();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        probeCatalog(http);
        CollectorClient collector = new CollectorClient(config.collectorUrl(), http, Clock.systemUTC());
        SimulatorConfig.RabbitMq mq = config.rabbitmq();
        OrderPublisher publisher = new OrderPublisher(mq.host(), mq.port(), mq.vhost(), mq.user(), mq.password(),
                mq.exchange(), stats);
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Simulation simulation = new Simulation(shops,
                new Simulation.Settings(sessionsPerSecond, seasonal, config.batchSize()),
                new SessionPlanner(config.thinkTime()),
                new OrderLifecycle(timeScale != null ? timeScale : config.timeScale()), collector, publisher, stats,
                Clock.systemUTC(), scheduler, runSeed);
        Instant started = Instant.now();
        LOG.infof("Simulating %d shops (%s) at %.2f sessions/s%s, seed %d, collector %s, RabbitMQ %s:%d/%s%s",
                shops.size(), describe(shops), sessionsPerSecond,
                seasonal
                        ? String.format(" (seasonality now ×%.2f for the first shop)",
                                Seasonality.multiplier(started.atZone(shops.get(0).zone())))
                        : " (flat)",
                runSeed, config.collectorUrl(), mq.host(), mq.port(), mq.vhost(),
                limit == null ? "" : ", for " + limit);
        publisher.start();
        simulation.start();
        long every = config.summaryInterval().toMillis();
        scheduler.scheduleAtFixedRate(() -> summary(stats, simulation, started, sessionsPerSecond, runSeed), every,
                every, TimeUnit.MILLISECONDS);
        summary(stats, simulation, started, sessionsPerSecond, runSeed);
        // On SIGTERM (./shoppulse down) the JVM waits for this hook: it lets the run flush and close first.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulator-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean stopped = limit == null ? awaitStop() : stop.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            simulation.stopArrivals();
            if (!stopped) {
                // The run's time is up: let the sessions under way finish, as visitors would.
                LOG.infof("Duration reached; letting %d sessions finish", simulation.active());
                long end = System.nanoTime() + DRAIN.toNanos();
                while (simulation.active() > 0 && System.nanoTime() < end && !stop.await(200, TimeUnit.MILLISECONDS)) {
                    // waiting on the latch: a second signal ends the drain at once
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        scheduler.shutdownNow();
        summary(stats, simulation, started, sessionsPerSecond, runSeed);
        if (simulation.scheduledOrderSteps() > 0) {
            LOG.infof("Stopped with %d later order steps not sent (their orders stay where they are)",
                    simulation.scheduledOrderSteps());
        }
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook is running
        }
    }

    private boolean awaitStop() throws InterruptedException {
        stop.await();
        return true;
    }

    private List<TenantSpec> tenants() {
        List<TenantSpec> all = new ArrayList<>();
        config.tenants().ifPresent(text -> all.addAll(TenantSpec.parse(text)));
        config.tenantsFile().ifPresent(file -> {
            try {
                all.addAll(TenantSpec.parse(Files.readString(Path.of(file))));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the tenants file " + file, e);
            }
        });
        if (all.isEmpty()) {
            throw new IllegalStateException("No tenants: set SHOPPULSE_SIM_TENANTS=uuid=write-key,... or"
                    + " SHOPPULSE_SIM_TENANTS_FILE (./shoppulse demo does this for you)");
        }
        int n = tenants != null ? tenants : config.tenantCount().orElse(all.size());
        if (n < 1 || n > all.size()) {
            throw new IllegalArgumentException("--tenants " + n + ": " + all.size() + " tenants are configured");
        }
        return all.subList(0, n);
    }

    /** 90s, 10m, 2h, 1d, or ISO-8601 (PT10M). */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase();
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase());
        }
        if (!t.matches("\\d+[smhd]?")) {
            throw new IllegalArgumentException("--duration " + text + ": write it as 90s, 10m, 2h, 1d or PT10M");
        }
        char unit = Character.isDigit(t.charAt(t.length() - 1)) ? 's' : t.charAt(t.length() - 1);
        long n = Long.parseLong(t.replaceAll("[smhd]$", ""));
        return switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** The catalog service is optional: its absence is logged, not an error. */
    private void probeCatalog(HttpClient http) {
        String url = config.catalogUrl().replaceAll("/+$", "") + "/q/health/ready";
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            LOG.infof("Catalog service at %s answers %d; the simulator's catalogues are generated from each tenant's"
                    + " id and are not written to it", config.catalogUrl(), status);
        } catch (IOException e) {
            LOG.infof("Catalog service not reachable at %s; skipping it", config.catalogUrl());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(List<Shop> shops) {
        List<String> parts = new ArrayList<>();
        for (Shop s : shops) {
            parts.add(s.tenant().id() + " " + s.currency() + " " + s.catalog().products().size() + " SKUs");
        }
        return String.join(", ", parts);
    }

    private void summary(Stats stats, Simulation simulation, Instant started, double sessionsPerSecond, long runSeed) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("summary", "simulator");
        line.put("uptime_s", Duration.between(started, Instant.now()).toSeconds());
        line.putAll(stats.snapshot());
        line.put("order_steps_scheduled", simulation.scheduledOrderSteps());
        try {
            String json = Json.MAPPER.writeValueAsString(line);
            LOG.info(json);
            if (config.statusFile().isPresent()) {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("updated_at", Instant.now());
                status.put("started_at", started);
                status.put("rate", sessionsPerSecond);
                status.put("seed", runSeed);
                status.putAll(line);
                Path file = Path.of(config.statusFile().get());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(tmp, Json.MAPPER.writeValueAsBytes(status));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Could not write the summary: %s", e.toString());
        }
    }
}
