package io.shoppulse.collector.service;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoppulse.collector.config.CollectorConfig;
import io.shoppulse.collector.model.IngestResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;
import io.shoppulse.contract.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    /** A key given twice would let the forwarded bytes say something other than what was validated. */
    private final ObjectReader trees;
    private final Counter accepted;
    private final Counter rejected;

    public EventIngest(CollectorConfig config, EventPublisher publisher, EventContract contract, ClientContext clients,
            ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.publisher = publisher;
        this.contract = contract;
        this.clients = clients;
        this.json = json;
        this.trees = json.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        this.accepted = Counter.builder("shoppulse.collector.events").tag("outcome", "accepted").register(registry);
        this.rejected = Counter.builder("shoppulse.collector.events").tag("outcome", "rejected").register(registry);
    }

    /**
     * One event of a request: its parsed tree, or why it could not be parsed, and where its bytes are in the body
     * (so a valid event is forwarded as sent, with the server's fields appended, instead of being re-serialised).
     */
    public record Event(JsonNode tree, String parseError, byte[] body, int from, int to) {

        public static Event of(JsonNode tree) {
            return new Event(tree, null, null, 0, 0);
        }

        static Event unparsable(String reason) {
            return new Event(null, reason, null, 0, 0);
        }
    }

    /** A request body cut into its events; {@code writeKey} is set when a sendBeacon body carried it. */
    public record Batch(String writeKey, List<Event> events) {
    }

    public Batch parse(byte[] body, boolean ndjson) {
        if (body.length > config.maxBodyBytes()) {
            throw ProblemException.payloadTooLarge("body", "must be at most " + config.maxBodyBytes() + " bytes");
        }
        List<Event> events = new ArrayList<>();
        String writeKey = null;
        if (ndjson) {
            int lineStart = 0;
            for (int i = 0; i <= body.length; i++) {
                if (i == body.length || body[i] == '\n') {
                    parseLine(body, lineStart, i, events);
                    lineStart = i + 1;
                }
            }
        } else {
            try (JsonParser parser = json.createParser(body)) {
                JsonToken first = parser.nextToken();
                if (first == JsonToken.START_OBJECT) {
                    // navigator.sendBeacon cannot set headers, so the key travels in the body.
                    boolean hasBatch = false;
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if ("writeKey".equals(field) && value == JsonToken.VALUE_STRING) {
                            writeKey = parser.getText();
                        } else if ("batch".equals(field) && value == JsonToken.START_ARRAY) {
                            hasBatch = true;
                            readArray(parser, body, 0, events);
                        } else {
                            parser.skipChildren();
                        }
                    }
                    if (!hasBatch) {
                        throw notABatch();
                    }
                } else if (first == JsonToken.START_ARRAY) {
                    readArray(parser, body, 0, events);
                } else {
                    throw notABatch();
                }
                if (parser.nextToken() != null) {
                    throw new JsonParseException(parser, "unexpected content after the batch");
                }
            } catch (IOException e) {
                String reason = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
                throw new ProblemException(400, "malformed-json", "Malformed JSON",
                        "The request body is not valid JSON: " + reason, List.of(new FieldError("body", reason)),
                        null);
            }
        }
        if (events.size() > config.maxBatchEvents()) {
            throw ProblemException.payloadTooLarge("body", "must hold at most " + config.maxBatchEvents()
                    + " events, got " + events.size());
        }
        return new Batch(writeKey, events);
    }

    private static ProblemException notABatch() {
        return ProblemException.badRequest("body",
                "must be a JSON array of events, an object {\"writeKey\", \"batch\": [...]}, or NDJSON");
    }

    /** Reads the elements of the array the parser has just entered, keeping where each sits in the body. */
    private void readArray(JsonParser parser, byte[] body, int base, List<Event> events) throws IOException {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            events.add(readValue(parser, body, base));
        }
    }

    private Event readValue(JsonParser parser, byte[] body, int base) throws IOException {
        int from = base + (int) parser.currentTokenLocation().getByteOffset();
        JsonNode tree = trees.readTree(parser);
        int to = base + (int) parser.currentLocation().getByteOffset();
        return tree.isObject() && from >= 0 && to <= body.length && body[from] == '{' && body[to - 1] == '}'
                ? new Event(tree, null, body, from, to)
                : Event.of(tree);
    }

    /** One line of NDJSON: a line that is not one JSON value is that line's error, not the request's. */
    private void parseLine(byte[] body, int from, int to, List<Event> events) {
        while (from < to && isSpace(body[from])) {
            from++;
        }
        while (to > from && isSpace(body[to - 1])) {
            to--;
        }
        if (from == to) {
            return;
        }
        try (JsonParser parser = json.createParser(body, from, to - from)) {
            parser.nextToken();
            Event event = readValue(parser, body, from);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "unexpected content after the event");
            }
            events.add(event);
        } catch (IOException e) {
            events.add(Event.unparsable(e instanceof JsonProcessingException p
                    ? p.getOriginalMessage()
                    : e.getMessage()));
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /**
     * Validates and enriches each event, writes the valid ones to the events topic and the others to the dead-letter
     * topic; the result completes once Kafka has acknowledged all of them, or fails with a 503 problem. Nothing here
     * blocks: Kafka's acknowledgements complete the result on the producer's thread.
     *
     * @param context the request's client context (truncated IP, device), shared by its events
     */
    public CompletableFuture<IngestResult> ingest(SourceKey source, Batch batch, ObjectNode context) {
        Instant now = Instant.now();
        String receivedAt = now.toString();
        String tenant = source.tenantId().toString();
        Enrichment enrichment = new Enrichment(source, receivedAt, bytes(context));
        EventPublisher.Acks acks = publisher.acks(batch.events().size());
        List<IngestResult.Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            Event event = batch.events().get(i);
            JsonNode tree = event.tree();
            List<FieldError> errors = event.parseError() != null
                    ? List.of(new FieldError("[" + i + "]", "not valid JSON: " + event.parseError()))
                    : contract.validate(tree);
            if (errors.isEmpty()) {
                String key = tenant + ":" + tree.get("session_id").asText();
                Instant occurred = occurredAt(tree, now);
                byte[] value = event.body() != null && !carriesServerFields(tree)
                        ? enrichment.splice(event, occurred)
                        : bytes(enriched((ObjectNode) tree, source, receivedAt, occurred, context));
                publisher.send(config.topics().events(), key, value, acks);
            } else {
                String eventId = tree != null && tree.path("event_id").isTextual()
                        ? tree.get("event_id").asText()
                        : null;
                rejections.add(new IngestResult.Rejection(i, eventId, errors));
                publisher.send(config.topics().deadLetter(), tenant,
                        bytes(deadLetter(source, receivedAt, i, tree, event.parseError(), errors)), acks);
            }
        }
        int acceptedCount = batch.events().size() - rejections.size();
        return allAcknowledged(acks.done()).thenApply(done -> {
            accepted.increment(acceptedCount);
            rejected.increment(rejections.size());
            return new IngestResult(acceptedCount, rejections);
        });
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

    /** Fields only the server sets; an event that sends them is rebuilt, so the server's values are the only ones. */
    private static final List<String> SERVER_FIELDS = List.of("tenant_id", "source_id", "received_at", "occurred_at",
            "context", "user_agent");

    private static boolean carriesServerFields(JsonNode event) {
        for (String field : SERVER_FIELDS) {
            if (event.has(field)) {
                return true;
            }
        }
        return false;
    }

    /** The slow way, for events from the pixel and events that carry server fields: set them on the tree. */
    private ObjectNode enriched(ObjectNode event, SourceKey source, String receivedAt, Instant occurred,
            ObjectNode requestContext) {
        JsonNode userAgent = event.remove("user_agent");
        event.put("tenant_id", source.tenantId().toString());
        event.put("source_id", source.sourceId().toString());
        event.put("received_at", receivedAt);
        event.put("occurred_at", occurred.toString());
        if (userAgent != null && userAgent.isTextual() && !userAgent.asText().isBlank()) {
            // A server-side sender names the shopper's browser in user_agent; that beats the sender's own.
            ObjectNode own = requestContext.deepCopy();
            own.set("device", clients.device(userAgent.asText()));
            event.set("context", own);
        } else {
            event.set("context", requestContext);
        }
        return event;
    }

    /**
     * The fast way: the event's own bytes up to its closing brace, then the server's fields. The bytes are what was
     * validated (the tree reader refuses duplicate keys, so no later value can hide behind a checked one).
     */
    private static final class Enrichment {
        private static final byte[] OCCURRED_AT = ",\"occurred_at\":\"".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CONTEXT = "\",\"context\":".getBytes(StandardCharsets.US_ASCII);
        private final byte[] stamp;
        private final byte[] context;

        Enrichment(SourceKey source, String receivedAt, byte[] context) {
            this.stamp = (",\"tenant_id\":\"" + source.tenantId() + "\",\"source_id\":\"" + source.sourceId()
                    + "\",\"received_at\":\"" + receivedAt + "\"").getBytes(StandardCharsets.US_ASCII);
            this.context = context;
        }

        byte[] splice(Event event, Instant occurred) {
            byte[] occurredAt = occurred.toString().getBytes(StandardCharsets.US_ASCII);
            int head = event.to() - 1 - event.from(); // everything before the closing brace
            byte[] out = new byte[head + stamp.length + OCCURRED_AT.length + occurredAt.length + CONTEXT.length
                    + context.length + 1];
            int at = 0;
            System.arraycopy(event.body(), event.from(), out, at, head);
            at += head;
            System.arraycopy(stamp, 0, out, at, stamp.length);
            at += stamp.length;
            System.arraycopy(OCCURRED_AT, 0, out, at, OCCURRED_AT.length);
            at += OCCURRED_AT.length;
            System.arraycopy(occurredAt, 0, out, at, occurredAt.length);
            at += occurredAt.length;
            System.arraycopy(CONTEXT, 0, out, at, CONTEXT.length);
            at += CONTEXT.length;
            System.arraycopy(context, 0, out, at, context.length);
            out[at + context.length] = '}';
            return out;
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

    private CompletableFuture<Void> allAcknowledged(CompletableFuture<Void> writes) {
        Duration timeout = config.kafkaAckTimeout();
        return writes.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(error -> {
            // Some events may already be in Kafka; a retry with the same event_ids is deduplicated downstream.
            LOG.warnf("Kafka did not acknowledge a batch: %s",
                    error.getCause() != null ? error.getCause() : error);
            throw ProblemException.unavailable("Events could not be stored right now; retry the same batch.",
                    Duration.ofSeconds(5));
        });
    }
}
