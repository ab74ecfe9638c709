package io.shoppulse.analytics.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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

    private RecordParser() {
    }

    public static LiveRecord event(String raw) {
        JsonNode root = parse(raw);
        String eventId = text(root, "event_id");
        UUID tenant = tenant(root);
        Instant occurredAt = instant(root, "occurred_at");
        text(root, "type");
        JsonNode session = root.get("session_id");
        String sessionId = session != null && session.isTextual() && !session.asText().isBlank()
                ? session.asText()
                : null;
        return LiveRecord.event(eventId, tenant, occurredAt, sessionId);
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
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new BadRecordException(prefix + field + ": required string");
        }
        return value.asText();
    }

    private static UUID tenant(JsonNode root) {
        String value = text(root, "tenant_id");
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
        String value = text(node, prefix, field);
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRecordException(prefix + field + ": not an ISO 8601 instant");
        }
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
