package io.shoppulse.routes.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoppulse.common.problem.Problem;
import io.shoppulse.routes.config.RoutesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Order webhooks from Shopify and WooCommerce: verifies their HMAC-SHA256 signature over the raw body, then
 * normalises the order into contract events (purchase, refund). Event ids derive from the shop's own ids, so a
 * redelivered webhook produces the same event and is deduplicated downstream.
 */
@ApplicationScoped
@Named("storefrontWebhooks")
public class StorefrontWebhooks {

    public static final String PLATFORM = "shoppulsePlatform";
    private final RoutesConfig config;
    private final ObjectMapper json;

    public StorefrontWebhooks(RoutesConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** Refuses the webhook unless its signature header is the HMAC of the body under the shop's secret. */
    public void verify(Exchange exchange) {
        String platform = exchange.getProperty(PLATFORM, String.class);
        Optional<String> secret = "shopify".equals(platform) ? config.shopifySecret() : config.woocommerceSecret();
        String header = "shopify".equals(platform) ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature";
        if (secret.isEmpty() || secret.get().isBlank()) {
            throw new WebhookRejected("No " + platform + " webhook secret is configured for this deployment.");
        }
        String signature = exchange.getMessage().getHeader(header, String.class);
        if (signature == null) {
            throw new WebhookRejected("Missing " + header + " header.");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        byte[] expected = hmac(secret.get(), body == null ? new byte[0] : body);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(header + " is not base64.");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new WebhookRejected("The " + header + " signature does not match the body.");
        }
    }

    static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The contract events for a verified webhook, as a JSON array; empty for topics that carry no event (their body
     * is not even read). A body that cannot be read as an order is unprocessable: a retry would fail the same way.
     */
    public String toEvents(Exchange exchange) throws IOException {
        boolean shopify = "shopify".equals(exchange.getProperty(PLATFORM, String.class));
        String topic = exchange.getMessage().getHeader(shopify ? "X-Shopify-Topic" : "X-WC-Webhook-Topic", "",
                String.class);
        String store = exchange.getMessage().getHeader(shopify ? "X-Shopify-Shop-Domain" : "X-WC-Webhook-Source",
                shopify ? "shopify" : "woocommerce", String.class);
        boolean carriesEvent = shopify
                ? Set.of("orders/create", "orders/paid", "refunds/create").contains(topic)
                : topic.equals("order.created") || topic.equals("order.updated");
        ArrayNode events = json.createArrayNode();
        if (carriesEvent) {
            try {
                JsonNode order = json.readTree(exchange.getMessage().getBody(byte[].class));
                if (shopify) {
                    events.add(topic.equals("refunds/create")
                            ? shopifyRefund(store, order)
                            : shopifyPurchase(store, order));
                } else if (topic.equals("order.created")) {
                    events.add(wooPurchase(store, order));
                } else if ("refunded".equals(order.path("status").asText())) {
                    events.add(wooRefund(store, order));
                }
            } catch (JsonProcessingException | NumberFormatException | DateTimeException e) {
                throw new WebhookUnprocessable("The " + topic + " body cannot be read as an order: " + e.getMessage());
            }
        }
        return json.writeValueAsString(events);
    }

    /**
     * The answer to a webhook that failed, as a problem document: 401 for a bad signature, 422 when a retry cannot
     * help (an unreadable body, or events the collector refuses; it dead-letters those with the reasons), and 503
     * with Retry-After otherwise, so that the shop retries and the retry yields the same event ids.
     */
    public String problem(Exchange exchange) throws IOException {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        HttpOperationFailedException collector = error instanceof HttpOperationFailedException h ? h : null;
        boolean refusedByCollector = collector != null && collector.getStatusCode() >= 400
                && collector.getStatusCode() < 500 && collector.getStatusCode() != 429;
        Problem problem;
        if (error instanceof WebhookRejected) {
            problem = problem("bad-signature", "Unauthorized", 401, error.getMessage());
        } else if (error instanceof WebhookUnprocessable || refusedByCollector) {
            problem = problem("unprocessable-webhook", "Unprocessable webhook", 422, refusedByCollector
                    ? "The collector refused the events: " + collector.getResponseBody()
                    : error.getMessage());
        } else {
            problem = problem("unavailable", "Service unavailable", 503,
                    "The events could not be stored; retry later.");
            exchange.getMessage().setHeader("Retry-After", 30);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return json.writeValueAsString(problem);
    }

    private static Problem problem(String slug, String title, int status, String detail) {
        return new Problem(Problem.type(slug), title, status, detail, null, null, List.of());
    }

    private ObjectNode shopifyPurchase(String shop, JsonNode order) {
        String orderId = order.path("id").asText();
        ObjectNode event = envelope("purchase", "shopify:" + shop + ":order:" + orderId,
                order.path("created_at").asText(), visitor(order.path("customer").path("id").asText(""),
                        order.path("cart_token").asText(""), orderId),
                order.path("checkout_token").asText(order.path("cart_token").asText("order-" + orderId)));
        event.put("transaction_id", orderId); // the order id, which Shopify's refunds also carry (not "#1001")
        putCustomer(event, order.path("customer").path("id").asText(""));
        event.put("currency", order.path("currency").asText());
        event.put("value", money(order.path("total_price")));
        if (order.hasNonNull("total_tax")) {
            event.put("tax", money(order.path("total_tax")));
        }
        ArrayNode items = event.putArray("items");
        for (JsonNode line : order.path("line_items")) {
            ObjectNode item = items.addObject();
            item.put("item_id", firstNonBlank(line.path("sku").asText(""), line.path("variant_id").asText(""),
                    line.path("product_id").asText("")));
            putIfPresent(item, "item_name", line.path("title").asText(""));
            putIfPresent(item, "item_brand", line.path("vendor").asText(""));
            putIfPresent(item, "item_variant", line.path("variant_title").asText(""));
            item.put("price", money(line.path("price")));
            item.put("quantity", Math.max(1, line.path("quantity").asInt(1)));
        }
        String userAgent = order.path("client_details").path("user_agent").asText("");
        putIfPresent(event, "user_agent", userAgent);
        return event;
    }

    private ObjectNode shopifyRefund(String shop, JsonNode refund) {
        String orderId = refund.path("order_id").asText();
        ObjectNode event = envelope("refund", "shopify:" + shop + ":refund:" + refund.path("id").asText(),
                refund.path("created_at").asText(), "order-" + orderId, "order-" + orderId);
        event.put("transaction_id", orderId);
        BigDecimal total = BigDecimal.ZERO;
        String currency = null;
        for (JsonNode transaction : refund.path("transactions")) {
            if ("refund".equals(transaction.path("kind").asText())
                    && "success".equals(transaction.path("status").asText("success"))) {
                total = total.add(money(transaction.path("amount")));
                currency = transaction.path("currency").asText(currency);
            }
        }
        ArrayNode items = json.createArrayNode();
        for (JsonNode line : refund.path("refund_line_items")) {
            JsonNode item = line.path("line_item");
            ObjectNode refunded = items.addObject();
            refunded.put("item_id", firstNonBlank(item.path("sku").asText(""), item.path("variant_id").asText(""),
                    item.path("product_id").asText(line.path("line_item_id").asText())));
            refunded.put("quantity", Math.max(1, line.path("quantity").asInt(1)));
            refunded.put("price", money(item.path("price")));
            if (currency == null && line.hasNonNull("subtotal_set")) {
                currency = line.path("subtotal_set").path("shop_money").path("currency_code").asText(null);
            }
        }
        if (!items.isEmpty()) {
            event.set("items", items);
        }
        event.put("value", total);
        event.put("currency", currency == null ? "" : currency);
        return event;
    }

    private ObjectNode wooPurchase(String site, JsonNode order) {
        String orderId = order.path("id").asText();
        String customer = order.path("customer_id").asInt(0) > 0 ? order.path("customer_id").asText() : "";
        ObjectNode event = envelope("purchase", "woocommerce:" + site + ":order:" + orderId,
                wooTime(order.path("date_created_gmt").asText()), visitor(customer, order.path("cart_hash").asText(""),
                        orderId),
                "order-" + orderId);
        event.put("transaction_id", order.path("number").asText(orderId));
        putCustomer(event, customer);
        event.put("currency", order.path("currency").asText());
        event.put("value", money(order.path("total")));
        event.put("tax", money(order.path("total_tax")));
        event.put("shipping", money(order.path("shipping_total")));
        ArrayNode items = event.putArray("items");
        for (JsonNode line : order.path("line_items")) {
            ObjectNode item = items.addObject();
            item.put("item_id", firstNonBlank(line.path("sku").asText(""), line.path("variation_id").asInt(0) > 0
                    ? line.path("variation_id").asText()
                    : "", line.path("product_id").asText()));
            putIfPresent(item, "item_name", line.path("name").asText(""));
            item.put("price", money(line.path("price")));
            item.put("quantity", Math.max(1, line.path("quantity").asInt(1)));
        }
        putIfPresent(event, "user_agent", order.path("customer_user_agent").asText(""));
        return event;
    }

    private ObjectNode wooRefund(String site, JsonNode order) {
        String orderId = order.path("id").asText();
        ObjectNode event = envelope("refund", "woocommerce:" + site + ":refund:" + orderId,
                wooTime(order.path("date_modified_gmt").asText()), "order-" + orderId, "order-" + orderId);
        event.put("transaction_id", order.path("number").asText(orderId));
        event.put("currency", order.path("currency").asText());
        event.put("value", money(order.path("total")));
        return event;
    }

    private ObjectNode envelope(String type, String naturalKey, String timestamp, String anonymousId, String session) {
        ObjectNode event = json.createObjectNode();
        event.put("event_id", UUID.nameUUIDFromBytes(naturalKey.getBytes(StandardCharsets.UTF_8)).toString());
        event.put("type", type);
        event.put("timestamp", timestamp);
        event.put("anonymous_id", anonymousId);
        event.put("session_id", session);
        return event;
    }

    private static String visitor(String customerId, String cartToken, String orderId) {
        return !customerId.isBlank()
                ? "customer-" + customerId
                : !cartToken.isBlank() ? "cart-" + cartToken : "order-" + orderId;
    }

    private static void putCustomer(ObjectNode event, String customerId) {
        if (!customerId.isBlank()) {
            event.put("user_id", customerId);
        }
    }

    /** WooCommerce sends GMT times without an offset. */
    private static String wooTime(String gmt) {
        if (gmt == null || gmt.isBlank()) {
            return OffsetDateTime.now(ZoneOffset.UTC).toString();
        }
        return gmt.endsWith("Z") || gmt.matches(".*[+-]\\d\\d:\\d\\d$")
                ? gmt
                : java.time.LocalDateTime.parse(gmt).atOffset(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** Shops send money as decimal strings; it stays exact (BigDecimal), never a binary float on the way. */
    private static BigDecimal money(JsonNode value) {
        if (value.isMissingNode() || value.isNull() || value.asText().isBlank()) {
            return BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + value.asText() + "' is not an amount");
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "unknown";
    }
}
