package io.shoppulse.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The write side of the outbox, in the caller's transaction: one row per change, so the change and its event
 * commit together or not at all. The payload is {@code {event_id, type, tenant_id, occurred_at, ...body}};
 * consumers deduplicate by event_id. Call it after the aggregate's row is locked or written, so one aggregate's
 * events get increasing ids in commit order (what the relay's per-aggregate order rests on).
 */
@ApplicationScoped
public class OutboxWriter {

    private final ObjectMapper json;

    public OutboxWriter(ObjectMapper json) {
        this.json = json;
    }

    /** Appends the event; {@code body} is serialised in its own iteration order. Returns the event id. */
    public UUID append(Connection c, UUID tenant, String aggregateId, String type, Map<String, ?> body)
            throws SQLException {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", eventId);
        event.put("type", type);
        event.put("tenant_id", tenant);
        event.put("occurred_at", Instant.now().truncatedTo(ChronoUnit.MICROS));
        event.putAll(body);
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an outbox event that cannot be written as JSON: " + type, e);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (tenant_id, aggregate_id, event_id,"
                + " event_type, payload) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, tenant);
            ps.setString(2, aggregateId);
            ps.setObject(3, eventId);
            ps.setString(4, type);
            ps.setString(5, payload);
            ps.executeUpdate();
        }
        return eventId;
    }
}
