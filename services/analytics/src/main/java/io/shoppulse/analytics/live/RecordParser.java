package io.shoppulse.analytics.live;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.shoppulse.contract.Timestamps;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads the records of shop.events.v1 (the collector's enriched events) and shop.orders.v1 (the orders outbox:
 * {@code {event_id, type, tenant_id, occurred_at, refund?, order}}) into what they add to the live counters. Amounts
 * are read as exact decimals, never through floating point.
 */
public final class RecordParser {

    // Amounts keep the scale they were sent with ("12.00", not "12").
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** The fields of an event the lane reads, in the order they are checked. */
    private static final String[] EVENT_FIELDS = {"event_id", "tenant_id", "occurred_at", "type", "session_id"};

    private RecordParser() {
    }

    /**
     * An event record, read in one streaming pass that keeps the five fields the lane needs and skips the rest (a
     * tree of the whole event, its context and items included, took a fifth of the lane's consumer thread in a
     * profile at 10,000 events/s). The checks and their reasons are those of {@link #order}'s tree reading; a
     * repeated field counts with its last value, as in a tree.
     */
    public static LiveRecord event(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new BadRecordException("body: empty record");
        }
        String[] fields = new String[EVENT_FIELDS.length];
        try (JsonParser p = JSON.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRecordException("body: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                int field = eventField(p.currentName());
                JsonToken value = p.nextToken();
                if (field >= 0) {
                    fields[field] = value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new BadRecordException("body: not JSON (" + (e instanceof JsonProcessingException j
                    ? j.getOriginalMessage()
                    : e.getMessage()) + ")");
        }
        String eventId = required(fields[0], "", "event_id");
        UUID tenant = tenant(required(fields[1], "", "tenant_id"));
        Instant occurredAt = instant(required(fields[2], "", "occurred_at"), "", "occurred_at");
        required(fields[3], "", "type");
        String sessionId = fields[4] != null && !fields[4].isBlank() ? fields[4] : null;
        return LiveRecord.event(eventId, tenant, occurredAt, sessionId);
    }

    private static int eventField(String name) {
        for (int i = 0; i < EVENT_FIELDS.length; i++) {
            if (EVENT_FIELDS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public static LiveRecord order(String raw) {
        JsonNode root = parse(raw);
        String eventId = text(root, "event_id");
        String type = text(root, "type");
        UUID tenant = tenant(root);
        Instant occurredAt = instant(root, "occurred_at");
        JsonNode order = root.get("order");
        if (order == null || !order.isObject()) {
            throw new BadRecordException("order: required object");
        }
        text(order, "order.", "order_id");
        switch (type) {
            case "order.placed" -> {
                return LiveRecord.order(eventId, tenant, occurredAt, instant(order, "order.", "placed_at"), 1,
                        currency(order), amount(order, "order.", "total"));
            }
            case "order.refunded" -> {
                JsonNode refund = root.get("refund");
                if (refund == null || !refund.isObject()) {
                    throw new BadRecordException("refund: required object for order.refunded");
                }
                return LiveRecord.order(eventId, tenant, occurredAt, instant(refund, "refund.", "refunded_at"), 0,
                        currency(order), amount(refund, "refund.", "amount").negate());
            }
            case "order.cancelled" -> {
                // What was not refunded before the cancellation leaves the revenue.
                BigDecimal total = amount(order, "order.", "total");
                BigDecimal refunded = order.hasNonNull("refunded")
                        ? amount(order, "order.", "refunded")
                        : BigDecimal.ZERO;
                return LiveRecord.order(eventId, tenant, occurredAt, instant(order, "order.", "cancelled_at"), 0,
                        currency(order), refunded.subtract(total));
            }
            default -> {
                return LiveRecord.ignored(eventId, tenant, occurredAt);
            }
        }
    }

    private static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new BadRecordException("body: empty record");
        }
        try {
            JsonNode root = JSON.readTree(raw);
            if (root == null || !root.isObject()) {
                throw new BadRecordException("body: not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new BadRecordException("body: not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static String text(JsonNode node, String field) {
        return text(node, "", field);
    }

    private static String text(JsonNode node, String prefix, String field) {
        JsonNode value = node.get(field);
        return required(value == null || !value.isTextual() ? null : value.asText(), prefix, field);
    }

    /** A required string field's value (null when absent or not a string). */
    private static String required(String value, String prefix, String field) {
        if (value == null || value.isBlank()) {
            throw new BadRecordException(prefix + field + ": required string");
        }
        return value;
    }

    private static UUID tenant(JsonNode root) {
        return tenant(text(root, "tenant_id"));
    }

    private static UUID tenant(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("tenant_id: not a UUID");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        return instant(node, "", field);
    }

    private static Instant instant(JsonNode node, String prefix, String field) {
        return instant(text(node, prefix, field), prefix, field);
    }

    private static Instant instant(String value, String prefix, String field) {
        Instant at = Timestamps.parse(value);
        if (at == null) {
            throw new BadRecordException(prefix + field + ": not an ISO 8601 instant");
        }
        return at;
    }

    private static String currency(JsonNode order) {
        String value = text(order, "order.", "currency");
        if (!CURRENCY.matcher(value).matches()) {
            throw new BadRecordException("order.currency: not an ISO 4217 code");
        }
        return value;
    }

    private static BigDecimal amount(JsonNode node, String prefix, String field) {
        JsonNode value = node.get(field);
        try {
            if (value != null && value.isNumber()) {
                return value.decimalValue();
            }
            if (value != null && value.isTextual()) {
                return new BigDecimal(value.asText());
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new BadRecordException(prefix + field + ": required decimal amount");
    }
}
