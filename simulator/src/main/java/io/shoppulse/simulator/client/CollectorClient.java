package io.shoppulse.simulator.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.shoppulse.simulator.config.TenantSpec;
import io.shoppulse.simulator.model.Event;
import io.shoppulse.simulator.model.Json;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends event batches to {collector}/v1/events as a storefront's tracker does: a JSON array per POST, the write key in
 * {@code X-ShopPulse-Key}, the shopper's browser as {@code User-Agent}. Each tenant's key has a gate: after a failure
 * it stays shut for the collector's {@code Retry-After} (429, 503) or an exponential back-off (1 s doubling to 60 s)
 * and then lets a single probe through, so a collector that is down sees one request per tenant per back-off, never
 * a flood.
 */
public final class CollectorClient {

    private static final Logger LOG = Logger.getLogger(CollectorClient.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** What became of a batch. */
    public sealed interface Result {
    }

    /** 202: the events at {@code rejected} indexes were refused (with reasons), the others accepted. */
    public record Accepted(int accepted, Set<Integer> rejected) implements Result {
    }

    /** Not sent or not taken; send the same events again after {@code after}. */
    public record Retry(Duration after) implements Result {
    }

    /** Refused for good (a wrong key, a malformed body): retrying cannot help. */
    public record Refused(int status) implements Result {
    }

    private final URI endpoint;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    public CollectorClient(String collectorUrl, HttpClient http, Clock clock) {
        this.endpoint = URI.create(collectorUrl.replaceAll("/+$", "") + "/v1/events");
        this.http = http;
        this.clock = clock;
    }

    /** False while the tenant's gate is shut: the engine starts no new sessions it could not deliver. */
    public boolean open(TenantSpec tenant) {
        return gate(tenant).failures == 0;
    }

    public CompletableFuture<Result> send(TenantSpec tenant, String userAgent, List<Event> events) {
        Gate gate = gate(tenant);
        long wait = gate.openAtMillis - clock.millis();
        if (wait > 0) {
            return CompletableFuture.completedFuture(new Retry(jitter(Duration.ofMillis(wait))));
        }
        boolean probe = gate.failures > 0;
        if (probe && !gate.probing.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(new Retry(jitter(Duration.ofSeconds(1))));
        }
        Instant now = clock.instant();
        List<Event> stamped = new ArrayList<>(events.size());
        for (Event e : events) {
            stamped.add(e.sent(now));
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(stamped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").header("X-ShopPulse-Key", tenant.writeKey())
                .header("User-Agent", userAgent).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (probe) {
                gate.probing.set(false);
            }
            if (failure != null) {
                return gate.failed(tenant, null, "collector not reachable: " + failure.getClass().getSimpleName());
            }
            return answer(tenant, gate, response);
        });
    }

    private Result answer(TenantSpec tenant, Gate gate, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 202) {
            gate.succeeded(tenant);
            return accepted(response.body());
        }
        if (status == 429 || status >= 500) {
            Duration after = response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(null);
            return gate.failed(tenant, after, "collector answered " + status);
        }
        LOG.errorf("The collector refused a batch of %s for good: %d %s", tenant, status, abbreviate(response.body()));
        return new Refused(status);
    }

    private static Accepted accepted(String body) {
        try {
            JsonNode answer = Json.MAPPER.readTree(body);
            Set<Integer> rejected = new HashSet<>();
            for (JsonNode r : answer.path("rejected")) {
                rejected.add(r.path("index").asInt());
                LOG.warnf("The collector rejected event %s: %s", r.path("event_id").asText(), r.path("errors"));
            }
            return new Accepted(answer.path("accepted").asInt(), rejected);
        } catch (IOException e) {
            throw new UncheckedIOException("The collector's 202 answer is not JSON", e);
        }
    }

    /** Retry-After is delta-seconds or an HTTP date. */
    Duration retryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Duration.between(clock.instant(), at).isNegative()
                        ? Duration.ZERO
                        : Duration.between(clock.instant(), at);
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private Gate gate(TenantSpec tenant) {
        return gates.computeIfAbsent(tenant.id(), id -> new Gate());
    }

    private static Duration jitter(Duration d) {
        return d.plusMillis(ThreadLocalRandom.current().nextLong(50, 500));
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    /** One key's state: shut until {@code openAtMillis}, then one probe while {@code failures > 0}. */
    private final class Gate {
        private final AtomicBoolean probing = new AtomicBoolean();
        private volatile int failures;
        private volatile long openAtMillis;

        synchronized Retry failed(TenantSpec tenant, Duration retryAfter, String why) {
            long shut = openAtMillis - clock.millis();
            if (shut > 0 && retryAfter == null) {
                return new Retry(jitter(Duration.ofMillis(shut))); // one outage counts once, not once per request
            }
            failures++;
            Duration backoff = retryAfter != null
                    ? retryAfter
                    : Duration.ofSeconds(1L << Math.min(6, failures - 1));
            if (backoff.compareTo(MAX_BACKOFF) > 0) {
                backoff = MAX_BACKOFF;
            }
            openAtMillis = clock.millis() + backoff.toMillis();
            if (failures == 1 || Integer.bitCount(failures) == 1) {
                LOG.warnf("%s for %s; holding its events for %d s (failure %d in a row)", why, tenant,
                        backoff.toSeconds(), failures);
            }
            return new Retry(jitter(backoff));
        }

        synchronized void succeeded(TenantSpec tenant) {
            if (failures > 0) {
                LOG.infof("The collector takes events of %s again after %d failures", tenant, failures);
            }
            failures = 0;
            openAtMillis = 0;
        }
    }
}
