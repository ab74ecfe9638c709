package io.shoppulse.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlComponent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The outbox relay, one route per service ({@code <service>-outbox-to-kafka}): every poll interval a round takes the
 * lease, reads the oldest events in id order (at most a batch), sends them to Kafka, and deletes exactly the rows
 * Kafka acknowledged. At least once:
 * a crash between the send and the delete sends those events again, and consumers deduplicate by event_id.
 * <p>
 * Only the lease holder relays, so several replicas never interleave one aggregate's events. The lease is a row
 * renewed every round by a single UPDATE; when its holder stops renewing, another replica takes over after the TTL.
 */
@ApplicationScoped
public class OutboxRelayRoute extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(OutboxRelayRoute.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);

    private final OutboxConfig config;
    private final OutboxPublisher publisher;
    private final DataSource dataSource;
    private final MeterRegistry metrics;
    private final String service;
    private final String holder;
    private final AtomicLong lagSeconds = new AtomicLong();
    private volatile Instant lastWarning = Instant.EPOCH;

    public OutboxRelayRoute(OutboxConfig config, OutboxPublisher publisher, DataSource dataSource,
            MeterRegistry metrics, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.config = config;
        this.publisher = publisher;
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.service = service;
        this.holder = service + "@" + hostname() + "/" + UUID.randomUUID();
    }

    @Override
    public void configure() {
        if (config.topic().isEmpty() || !config.enabled()) {
            return;
        }
        // A round may take up to the send timeout; the lease must outlive it with room to spare, or a second
        // replica could take over mid-round and send the same rows (duplicates, possibly out of order).
        if (config.leaseTtl().compareTo(config.sendTimeout().multipliedBy(2).plus(config.pollInterval())) <= 0) {
            throw new IllegalStateException("shoppulse.outbox.lease-ttl (" + config.leaseTtl() + ") must exceed twice"
                    + " shoppulse.outbox.send-timeout (" + config.sendTimeout() + ") plus the poll interval");
        }
        String table = identifier(config.table());
        String lease = identifier(config.leaseTable());
        int batch = config.batchSize();
        String topic = config.topic().get();
        Counter relayed = Counter.builder("shoppulse.outbox.relayed").description("Outbox events sent to Kafka")
                .tag("topic", topic).register(metrics);
        metrics.gauge("shoppulse.outbox.lag.seconds", List.of(io.micrometer.core.instrument.Tag.of("topic", topic)),
                lagSeconds);
        getCamelContext().getComponent("sql", SqlComponent.class).setDataSource(dataSource);

        onException(Exception.class).handled(true).process(this::warn);

        from("timer:outbox-relay?delay=500&period=" + config.pollInterval().toMillis())
                .routeId(service + "-outbox-to-kafka")
                .setHeader("holder", constant(holder))
                .setHeader("ttlMillis", constant(config.leaseTtl().toMillis()))
                // Held: renewed now (taken over once expired, or ours with less than half its TTL left), or ours
                // with more than half left. Renewing only then spares the database a committed write every round;
                // the half left still outlives a round (the TTL exceeds twice the send timeout plus the poll).
                .to("sql:WITH renewed AS (UPDATE " + lease + " SET holder = :#holder, expires_at = now()"
                        + " + :#ttlMillis * interval '1 millisecond' WHERE name = 'relay' AND (expires_at < now()"
                        + " OR (holder = :#holder AND expires_at < now() + :#ttlMillis * interval '0.5 millisecond'))"
                        + " RETURNING 1) SELECT (SELECT count(*) FROM renewed) + (SELECT count(*) FROM " + lease
                        + " WHERE name = 'relay' AND holder = :#holder AND expires_at >= now() + :#ttlMillis"
                        + " * interval '0.5 millisecond') AS held?outputType=SelectOne")
                .filter(simple("${body} == 1"))
                .to("sql:SELECT id, tenant_id::text AS tenant_id, aggregate_id, event_id::text AS event_id,"
                        + " event_type, payload::text AS payload, created_at FROM " + table + " ORDER BY id LIMIT "
                        + batch)
                .process(this::recordLag)
                .filter(simple("${body.size} > 0"))
                .bean(publisher, "send")
                .setHeader("ids", body())
                .to("sql:DELETE FROM " + table + " WHERE id IN (:#in:ids)")
                .process(e -> relayed.increment(e.getIn().getHeader("ids", List.class).size()));
    }

    /** A replica that stops gracefully hands the lease on at once instead of after the TTL. */
    void releaseLease(@Observes ShutdownEvent shutdown) {
        if (config.topic().isEmpty() || !config.enabled()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement release = c.prepareStatement("UPDATE " + identifier(config.leaseTable())
                        + " SET expires_at = '-infinity' WHERE name = 'relay' AND holder = ?")) {
            release.setString(1, holder);
            release.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("Could not release the outbox lease (another replica takes it after the TTL): %s", e);
        }
    }

    private void recordLag(Exchange exchange) {
        List<?> rows = exchange.getIn().getBody(List.class);
        if (rows.isEmpty()) {
            lagSeconds.set(0);
            return;
        }
        Object created = ((Map<?, ?>) rows.get(0)).get("created_at");
        Instant oldest = created instanceof Timestamp t ? t.toInstant() : Instant.now();
        lagSeconds.set(Math.max(0, Duration.between(oldest, Instant.now()).toSeconds()));
    }

    /** A failed round leaves its rows in the outbox for the next one; say so, but not ten times a second. */
    private void warn(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (Instant.now().isAfter(lastWarning.plus(WARN_EVERY))) {
            lastWarning = Instant.now();
            LOG.warnf("Outbox relay round failed; its events stay in the outbox and are sent again: %s",
                    failure == null ? "unknown" : failure.toString());
        } else {
            LOG.debugf("Outbox relay round failed again: %s", failure);
        }
    }

    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + name);
        }
        return name;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
