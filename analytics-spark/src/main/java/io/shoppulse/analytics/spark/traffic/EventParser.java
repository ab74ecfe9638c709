package io.shoppulse.analytics.spark.traffic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.shoppulse.analytics.spark.stream.Streams;
import io.shoppulse.contract.Timestamps;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one event record (the collector's enriched event, docs/events.md) into the fields the traffic job uses, in a
 * single pass of a streaming JSON parser: only the fields below are kept, everything else is skipped. Spark's
 * {@code from_json} did the same through a generic converter and a new reader per record, which was the largest
 * single cost of the traffic query. A record that cannot be read comes back with its problem set.
 */
final class EventParser {

    private static final JsonFactory JSON = new JsonFactory();
    /** Amounts as the job stores them: decimal(19, 4). */
    private static final int MONEY_PRECISION = 19;
    private static final int MONEY_SCALE = 4;

    private EventParser() {
    }

    /** Parses {@code raw}; {@code arrivedAt} (when Kafka took it) stands in for an unreadable record's time. */
    static TrafficEvent parse(String raw, Timestamp arrivedAt) {
        TrafficEvent e = new TrafficEvent();
        String pageUrl = null;
        String problem;
        String occurredText = null;
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problem = "not a JSON object";
            } else {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "event_id" -> e.setEventId(text(p));
                        case "type" -> e.setType(text(p));
                        case "tenant_id" -> e.setTenantId(text(p));
                        case "occurred_at" -> occurredText = text(p);
                        case "session_id" -> e.setSessionId(text(p));
                        case "anonymous_id" -> e.setAnonymousId(text(p));
                        case "user_id" -> e.setUserId(text(p));
                        case "value" -> e.setValue(money(p));
                        case "currency" -> e.setCurrency(text(p));
                        case "items" -> e.setItems(items(p));
                        case "page" -> {
                            String[] page = object(p, "path", "url");
                            e.setPagePath(page[0]);
                            pageUrl = page[1];
                        }
                        case "utm" -> {
                            String[] utm = object(p, "source", "medium");
                            e.setUtmSource(utm[0]);
                            e.setUtmMedium(utm[1]);
                        }
                        case "context" -> e.setDeviceClass(deviceClass(p));
                        default -> p.skipChildren();
                    }
                }
                problem = null;
            }
        } catch (IOException | RuntimeException unreadable) {
            problem = "not a JSON object";
        }
        Timestamp occurredAt = problem == null ? timestamp(occurredText) : null;
        if (problem == null) {
            problem = problem(e, occurredAt);
        }
        if (e.getPagePath() == null) {
            e.setPagePath(pageUrl);
        }
        if (e.getAnonymousId() == null) {
            e.setAnonymousId(e.getSessionId());
        }
        if (problem != null) {
            TrafficEvent dead = new TrafficEvent();
            dead.setProblem(problem);
            dead.setRaw(raw);
            dead.setEventId(e.getEventId());
            dead.setType(e.getType());
            // At its arrival time, so the watermark treats it as current and it always reaches the dead letters.
            dead.setOccurredAt(arrivedAt);
            return dead;
        }
        e.setOccurredAt(occurredAt);
        return e;
    }

    /** The first reason, in the order docs/events.md lists the required fields, or null. */
    private static String problem(TrafficEvent e, Timestamp occurredAt) {
        if (!Streams.isUuid(e.getTenantId())) {
            return "tenant_id is missing or not a UUID";
        }
        if (e.getEventId() == null) {
            return "event_id is missing";
        }
        if (e.getType() == null) {
            return "type is missing";
        }
        if (e.getSessionId() == null) {
            return "session_id is missing";
        }
        if (occurredAt == null) {
            return "occurred_at is missing or not a time";
        }
        return null;
    }

    /** A scalar as text (numbers and booleans as written); null for null, objects and arrays. */
    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return t == JsonToken.VALUE_NULL ? null : p.getText();
    }

    /** An amount at the job's scale; null when absent or not a number that fits decimal(19, 4). */
    private static BigDecimal money(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        BigDecimal v;
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            v = p.getDecimalValue();
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                v = new BigDecimal(p.getText().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        } else {
            p.skipChildren();
            return null;
        }
        // Checked before rounding: rescaling a number such as 1e999999999 or 1e-999999999 would take minutes and
        // gigabytes (a record could stop the query on every restart).
        if (v.precision() - v.scale() > MONEY_PRECISION - MONEY_SCALE) {
            return null; // more integer digits than the column holds
        }
        if (v.scale() - v.precision() > MONEY_SCALE) {
            return BigDecimal.ZERO.setScale(MONEY_SCALE); // below 0.00001: rounds to zero
        }
        v = v.setScale(MONEY_SCALE, RoundingMode.HALF_UP);
        return v.precision() > MONEY_PRECISION ? null : v;
    }

    private static Integer integer(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            try {
                return Integer.valueOf(p.getText().trim());
            } catch (NumberFormatException notAnInteger) {
                return null;
            }
        }
        p.skipChildren();
        return null;
    }

    /** The text of two fields of an object (either may be null); anything else is skipped. */
    private static String[] object(JsonParser p, String first, String second) throws IOException {
        String[] values = new String[2];
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return values;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals(first)) {
                values[0] = text(p);
            } else if (field.equals(second)) {
                values[1] = text(p);
            } else {
                p.skipChildren();
            }
        }
        return values;
    }

    /** {@code context.device.class}. */
    private static String deviceClass(JsonParser p) throws IOException {
        String device = null;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("device")) {
                device = object(p, "class", "")[0];
            } else {
                p.skipChildren();
            }
        }
        return device;
    }

    private static List<EventItem> items(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<EventItem> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                items.add(null);
                continue;
            }
            EventItem item = new EventItem();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "item_id" -> item.setItemId(text(p));
                    case "item_name" -> item.setItemName(text(p));
                    case "item_brand" -> item.setItemBrand(text(p));
                    case "item_category" -> item.setItemCategory(text(p));
                    case "price" -> item.setPrice(money(p));
                    case "quantity" -> item.setQuantity(integer(p));
                    default -> p.skipChildren();
                }
            }
            items.add(item);
        }
        return items;
    }

    /**
     * An RFC 3339 / ISO-8601 time: with an offset or Z, or without one (then UTC, the session time zone), with a
     * {@code T} or a space, or a date alone (its midnight, UTC). Null when it is none of these.
     */
    static Timestamp timestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        // The collector's own form (and any offset form) without java.time's parser, which builds a formatter per
        // instant: in a profile at 5,000 events/s that was a tenth of the executors' time.
        Instant plain = Timestamps.parse(text);
        if (plain != null) {
            return Timestamp.from(plain);
        }
        String t = text.trim().replace(' ', 'T');
        try {
            if (t.length() == 10) {
                return Timestamp.from(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            char last = t.charAt(t.length() - 1);
            if (last == 'Z' || last == 'z') {
                return Timestamp.from(Instant.parse(t.substring(0, t.length() - 1) + "Z"));
            }
            int time = t.indexOf('T');
            if (time > 0 && (t.indexOf('+', time) > 0 || t.indexOf('-', time) > 0)) {
                return Timestamp.from(OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
            }
            return Timestamp.from(LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException | IndexOutOfBoundsException notATime) {
            return null;
        }
    }
}
