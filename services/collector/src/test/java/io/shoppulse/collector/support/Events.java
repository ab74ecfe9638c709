package io.shoppulse.collector.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Contract-valid events for tests: the union of every standard type's required fields. */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    public static Map<String, Object> of(String type, String session) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", UUID.randomUUID().toString());
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("session_id", session);
        event.put("anonymous_id", "a-" + session);
        event.put("page", Map.of("url", "https://shop.example.com/p/1", "title", "Product 1"));
        event.put("items", List.of(Map.of("item_id", "SKU-1", "price", 10.5, "quantity", 2)));
        event.put("value", 21.0);
        event.put("currency", "EUR");
        event.put("transaction_id", "ORD-" + UUID.randomUUID());
        event.put("search_term", "shoes");
        return event;
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
