package io.shoppulse.collector.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.model.IngestResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Takes one request's batch: splits it into events, checks each against the envelope, stamps it with the tenant
 * and the receive time, and writes it to Kafka keyed by tenant and session (so a session stays ordered). A refused
 * event goes to the dead-letter topic with its reasons; its valid siblings go on.
 */
@ApplicationScoped
public class EventIngest {

    private static final Logger LOG = Logger.getLogger(EventIngest.class);
    private static final Pattern TYPE = Pattern
            .compile("[a-z][a-z0-9_]{0,39}|[a-z][a-z0-9_]{0,19}:[a-z][a-z0-9_]{0,39}");
    private static final int MAX_ID_LENGTH = 128;

    private final CollectorConfig config;
    private final EventPublisher publisher;
    private final ObjectMapper json;
    private final Counter accepted;
    private final Counter rejected;

    public EventIngest(CollectorConfig config, EventPublisher publisher, ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.publisher = publisher;
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

    public IngestResult ingest(SourceKey source, Batch batch) {
        String receivedAt = Instant.now().toString();
        String tenant = source.tenantId().toString();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        List<IngestResult.Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            JsonNode event = batch.events().get(i);
            List<FieldError> errors = batch.unparsed().get(i) != null
                    ? List.of(new FieldError("[" + i + "]", "not valid JSON: " + batch.unparsed().get(i)))
                    : validate(event);
            if (errors.isEmpty()) {
                ObjectNode enriched = ((ObjectNode) event).deepCopy();
                enriched.put("tenant_id", tenant);
                enriched.put("source_id", source.sourceId().toString());
                enriched.put("received_at", receivedAt);
                writes.add(publisher.send(config.topics().events(), tenant + ":" + event.get("session_id").asText(),
                        bytes(enriched)));
            } else {
                String eventId = event != null && event.hasNonNull("event_id") ? event.get("event_id").asText() : null;
                rejections.add(new IngestResult.Rejection(i, eventId, errors));
                writes.add(publisher.send(config.topics().deadLetter(), tenant,
                        bytes(deadLetter(source, receivedAt, i, event, batch.unparsed().get(i), errors))));
            }
        }
        awaitAll(writes);
        accepted.increment(batch.events().size() - rejections.size());
        rejected.increment(rejections.size());
        return new IngestResult(batch.events().size() - rejections.size(), rejections);
    }

    /** The envelope every event must have; the full per-type contract is checked on top of this. */
    static List<FieldError> validate(JsonNode event) {
        List<FieldError> errors = new ArrayList<>();
        if (event == null || !event.isObject()) {
            errors.add(new FieldError("event", "must be a JSON object"));
            return errors;
        }
        JsonNode id = event.get("event_id");
        if (id == null || !id.isTextual()) {
            errors.add(new FieldError("event_id", "is required: a UUID that identifies this event"));
        } else {
            try {
                UUID.fromString(id.asText());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("event_id", "must be a UUID"));
            }
        }
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual() || !TYPE.matcher(type.asText()).matches()) {
            errors.add(new FieldError("type",
                    "is required: a lower_snake_case event name, or namespace:name for a custom event"));
        }
        JsonNode timestamp = event.get("timestamp");
        if (timestamp == null || !timestamp.isTextual()) {
            errors.add(new FieldError("timestamp", "is required: an ISO-8601 date-time with offset"));
        } else {
            try {
                OffsetDateTime.parse(timestamp.asText());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("timestamp",
                        "must be an ISO-8601 date-time with offset, e.g. 2026-11-25T10:15:30.123Z"));
            }
        }
        requireId(event, "session_id", errors);
        requireId(event, "anonymous_id", errors);
        return errors;
    }

    private static void requireId(JsonNode event, String field, List<FieldError> errors) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()
                || value.asText().length() > MAX_ID_LENGTH) {
            errors.add(new FieldError(field,
                    "is required: a non-blank string of at most " + MAX_ID_LENGTH + " characters"));
        }
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

    private void awaitAll(List<CompletableFuture<?>> writes) {
        Duration timeout = config.kafkaAckTimeout();
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while writing events; retry.", Duration.ofSeconds(1));
        } catch (ExecutionException | TimeoutException e) {
            // Some events may already be in Kafka; a retry with the same event_ids is deduplicated downstream.
            LOG.warnf("Kafka did not acknowledge a batch: %s", e.getCause() != null ? e.getCause() : e);
            throw ProblemException.unavailable("Events could not be stored right now; retry the same batch.",
                    Duration.ofSeconds(5));
        }
    }
}
