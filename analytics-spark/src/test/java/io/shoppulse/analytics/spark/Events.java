package io.shoppulse.analytics.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.UUID;

/** Builds storefront events as the collector writes them to shop.events.v1 (docs/events.md). */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode node = JSON.createObjectNode();

    private Events(String tenant, String type, String at, String session, String visitor) {
        node.put("event_id", UUID.randomUUID().toString());
        node.put("type", type);
        node.put("tenant_id", tenant);
        node.put("timestamp", at);
        node.put("occurred_at", at);
        node.put("received_at", at);
        node.put("session_id", session);
        node.put("anonymous_id", visitor);
        node.putObject("context").putObject("device").put("class", "Desktop");
    }

    public static Events event(String tenant, String type, String at, String session, String visitor) {
        return new Events(tenant, type, at, session, visitor);
    }

    public Events id(String id) {
        node.put("event_id", id);
        return this;
    }

    public Events user(String userId) {
        node.put("user_id", userId);
        return this;
    }

    public Events page(String path) {
        node.putObject("page").put("url", "https://shop.example.com" + path).put("path", path);
        return this;
    }

    public Events utm(String source, String medium) {
        node.putObject("utm").put("source", source).put("medium", medium);
        return this;
    }

    public Events device(String deviceClass) {
        ((ObjectNode) node.get("context").get("device")).put("class", deviceClass);
        return this;
    }

    public Events item(String sku, String name, String brand, String category, String price, int quantity) {
        ArrayNode items = node.has("items") ? (ArrayNode) node.get("items") : node.putArray("items");
        ObjectNode item = items.addObject().put("item_id", sku).put("item_name", name).put("item_brand", brand)
                .put("item_category", category).put("quantity", quantity);
        item.put("price", new BigDecimal(price));
        return this;
    }

    public Events value(String amount, String currency) {
        node.put("value", new BigDecimal(amount));
        node.put("currency", currency);
        return this;
    }

    public String id() {
        return node.get("event_id").asText();
    }

    /** The Kafka record: key tenant:session, value the JSON. */
    public String[] record() {
        return new String[]{node.get("tenant_id").asText() + ":" + node.get("session_id").asText(), node.toString()};
    }
}
