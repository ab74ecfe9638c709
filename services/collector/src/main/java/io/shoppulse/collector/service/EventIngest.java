package io.shoppulse.collector.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.model.IngestResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Takes one request's batch: splits it into events, checks each against the event contract, stamps it with the
 * tenant, the receive time, the skew-corrected event time and the client context, and writes it to Kafka keyed by
 * tenant and session (so a session stays ordered). A refused event goes to the dead-letter topic with its reasons;
 * its valid siblings go on.
 */
@ApplicationScoped
public class EventIngest {

    private static final Logger LOG = Logger.getLogger(EventIngest.class);

    private final CollectorConfig config;
    private final EventPublisher publisher;
    private final EventContract contract;
    private final ClientContext clients;
    private final ObjectMapper json;
    private final Counter accepted;
    private final Counter rejected;

    public EventIngest(CollectorConfig config, EventPublisher publisher, EventContract contract, ClientContext clients,
            ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.publisher = publisher;
        this.contract = contract;
        this.clients = clients;
        this.json = json;
        this.accepted = Counter.builder("shoppulse.collector.events").tag("outcome", "accepted").register(registry);
        this.rejected = Counter.builder("shoppulse.collector.events").tag("outcome", "rejected").register(registry);
    }

    /** A request body cut into its events; a line of NDJSON that is not JSON is kept as a parse error. */
    public record Batch(String writeKey, List<JsonNode> events, List<String> unparsed) {
    }

    public Batch parse(byte[] body, boolean ndjson) {
        if (body.length > config.maxBodyBytes()) {
            throw ProblemException.payloadTooLarge("body", "must be at most " + config.maxBodyBytes() + " bytes");
        }
        List<JsonNode> events = new ArrayList<>();
        List<String> unparsed = new ArrayList<>();
        String writeKey = null;
        if (ndjson) {
            for (String line : new String(body, StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(json.readTree(line));
                    unparsed.add(null);
                } catch (JsonProcessingException e) {
                    events.add(null);
                    unparsed.add(e.getOriginalMessage());
                }
            }
        } else {
            JsonNode root;
            try {
                root = json.readTree(body);
            } catch (java.io.IOException e) {
                String reason = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
                throw new ProblemException(400, "malformed-json", "Malformed JSON",
                        "The request body is not valid JSON: " + reason, List.of(new FieldError("body", reason)),
                        null);
            }
            if (root != null && root.isObject() && root.has("batch")) {
                // navigator.sendBeacon cannot set headers, so the key travels in the body.
                writeKey = root.path("writeKey").asText(null);
                root = root.get("batch");
            }
            if (root == null || !root.isArray()) {
                throw ProblemException.badRequest("body",
                        "must be a JSON array of events, an object {\"writeKey\", \"batch\": [...]}, or NDJSON");
            }
            root.forEach(event -> {
                events.add(event);
                unparsed.add(null);
            });
        }
        if (events.size() > config.maxBatchEvents()) {
            throw ProblemException.payloadTooLarge("body", "must hold at most " + config.maxBatchEvents()
                    + " events, got " + events.size());
        }
        return new Batch(writeKey, events, unparsed);
    }

    /**
     * Validates and enriches each event, writes the valid ones to the events topic and the others to the dead-letter
     * topic; the result completes once Kafka has acknowledged all of them, or fails with a 503 problem. Nothing here
     * blocks, so it runs on the event loop: a few threads append to the producer instead of many contending ones.
     *
     * @param context the request's client context (truncated IP, device), shared by its events
     */
    public CompletableFuture<IngestResult> ingest(SourceKey source, Batch batch, ObjectNode context) {
        Instant now = Instant.now();
        String receivedAt = now.toString();
        String tenant = source.tenantId().toString();
        List<CompletableFuture<?>> writes = new ArrayList<>(batch.events().size());
        List<IngestResult.Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            JsonNode event = batch.events().get(i);
            List<FieldError> errors = batch.unparsed().get(i) != null
                    ? List.of(new FieldError("[" + i + "]", "not valid JSON: " + batch.unparsed().get(i)))
                    : contract.validate(event);
            if (errors.isEmpty()) {
                ObjectNode enriched = (ObjectNode) event;
                enriched.put("tenant_id", tenant);
                enriched.put("source_id", source.sourceId().toString());
                enriched.put("received_at", receivedAt);
                enriched.put("occurred_at", occurredAt(enriched, now).toString());
                enriched.set("context", contextOf(enriched, context));
                writes.add(publisher.send(config.topics().events(), tenant + ":" + event.get("session_id").asText(),
                        bytes(enriched)));
            } else {
                String eventId = event != null && event.path("event_id").isTextual()
                        ? event.get("event_id").asText()
                        : null;
                rejections.add(new IngestResult.Rejection(i, eventId, errors));
                writes.add(publisher.send(config.topics().deadLetter(), tenant,
                        bytes(deadLetter(source, receivedAt, i, event, batch.unparsed().get(i), errors))));
            }
        }
        int acceptedCount = batch.events().size() - rejections.size();
        return allAcknowledged(writes).thenApply(done -> {
            accepted.increment(acceptedCount);
            rejected.increment(rejections.size());
            return new IngestResult(acceptedCount, rejections);
        });
    }

    /** For callers on a worker thread (the pixel): the same, waited for. */
    public IngestResult ingestAndWait(SourceKey source, Batch batch, ObjectNode context) {
        try {
            return ingest(source, batch, context).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * When the event happened on the server's clock. With {@code sent_at} the client's clock error cancels out:
     * occurred = received - (sent_at - timestamp). Without it, a timestamp too far in the future is replaced by the
     * receive time. Never later than the receive time.
     */
    Instant occurredAt(JsonNode event, Instant receivedAt) {
        Instant timestamp = instant(event.get("timestamp"));
        if (timestamp == null) {
            return receivedAt;
        }
        Instant sentAt = instant(event.get("sent_at"));
        if (sentAt != null) {
            Instant corrected = receivedAt.minus(Duration.between(timestamp, sentAt));
            return corrected.isAfter(receivedAt) ? receivedAt : corrected;
        }
        return timestamp.isAfter(receivedAt.plus(config.maxClockAhead())) ? receivedAt : timestamp;
    }

    private static Instant instant(JsonNode value) {
        return value == null || !value.isTextual() ? null : Timestamps.parse(value.asText());
    }

    /** A server-side sender names the shopper's browser in user_agent; that beats the sender's own. */
    private JsonNode contextOf(ObjectNode event, ObjectNode requestContext) {
        JsonNode userAgent = event.remove("user_agent");
        if (userAgent == null || !userAgent.isTextual() || userAgent.asText().isBlank()) {
            return requestContext;
        }
        ObjectNode own = requestContext.deepCopy();
        own.set("device", clients.device(userAgent.asText()));
        return own;
    }

    private ObjectNode deadLetter(SourceKey source, String receivedAt, int index, JsonNode event, String unparsed,
            List<FieldError> errors) {
        ObjectNode record = json.createObjectNode();
        record.put("tenant_id", source.tenantId().toString());
        record.put("source_id", source.sourceId().toString());
        record.put("received_at", receivedAt);
        record.put("index", index);
        record.set("errors", json.valueToTree(errors));
        if (event != null) {
            record.set("event", event);
        } else {
            record.put("parse_error", unparsed);
        }
        return record;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompletableFuture<Void> allAcknowledged(List<CompletableFuture<?>> writes) {
        Duration timeout = config.kafkaAckTimeout();
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(error -> {
                    // Some events may already be in Kafka; a retry with the same event_ids is deduplicated downstream.
                    LOG.warnf("Kafka did not acknowledge a batch: %s",
                            error.getCause() != null ? error.getCause() : error);
                    throw ProblemException.unavailable("Events could not be stored right now; retry the same batch.",
                            Duration.ofSeconds(5));
                });
    }
}
