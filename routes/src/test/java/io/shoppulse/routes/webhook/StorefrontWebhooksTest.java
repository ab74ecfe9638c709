package io.shoppulse.routes.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.shoppulse.common.testing.TopicReader;
import io.shoppulse.routes.RoutesServers;
import io.shoppulse.routes.WebhookSecretsResource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Shopify and WooCommerce order webhooks, through the real collector into the real Kafka. */
@QuarkusTest
@RoutesServers
class StorefrontWebhooksTest {

    @Test
    void aSignedShopifyOrderBecomesAPurchaseAndARedeliveryTheSameEvent() {
        long orderId = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
        String order = """
                {"id": %d, "name": "#%d", "created_at": "2026-11-25T10:15:30+01:00", "currency": "EUR",
                 "total_price": "123.80", "total_tax": "19.77", "cart_token": "c1", "checkout_token": "ck-%d",
                 "customer": {"id": 5521},
                 "client_details": {"user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"},
                 "line_items": [
                   {"product_id": 1, "variant_id": 11, "sku": "SKU-1042", "title": "Trail Runner 2", "vendor": "Northpeak", "price": "89.90", "quantity": 1},
                   {"product_id": 2, "variant_id": 22, "sku": "", "title": "Merino Socks", "price": "14.50", "quantity": 2}]}
                """
                .formatted(orderId, orderId, orderId);
        try (TopicReader events = new TopicReader("shop.events.v1")) {

            shopify("orders/create", order, sign(WebhookSecretsResource.SHOPIFY, order)).then().statusCode(200);
            shopify("orders/create", order, sign(WebhookSecretsResource.SHOPIFY, order)).then().statusCode(200);

            var found = events.await(m -> ("ck-" + orderId).equals(m.value().path("session_id").asText()), 2);
            JsonNode purchase = found.get(0).value();
            assertThat(found.get(1).value().get("event_id")).isEqualTo(purchase.get("event_id"));
            assertThat(purchase.get("type").asText()).isEqualTo("purchase");
            // The same id as Shopify's refunds of this order carry, so refunds meet their purchase.
            assertThat(purchase.get("transaction_id").asText()).isEqualTo(String.valueOf(orderId));
            assertThat(purchase.get("value").decimalValue()).isEqualByComparingTo(new BigDecimal("123.80"));
            assertThat(purchase.get("currency").asText()).isEqualTo("EUR");
            assertThat(purchase.get("user_id").asText()).isEqualTo("5521");
            assertThat(purchase.get("items")).hasSize(2);
            assertThat(purchase.get("items").get(1).get("item_id").asText()).isEqualTo("22");
            assertThat(purchase.get("items").get(1).get("quantity").asInt()).isEqualTo(2);
            assertThat(purchase.get("context").get("device").get("class").asText()).isEqualTo("phone");
        }
    }

    @Test
    void aShopifyRefundBecomesARefundOfTheRefundedAmount() {
        long orderId = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
        String refund = """
                {"id": 77%d, "order_id": %d, "created_at": "2026-11-26T09:00:00Z",
                 "refund_line_items": [{"line_item_id": 5, "quantity": 1, "line_item": {"sku": "SKU-2210", "price": "14.50"}}],
                 "transactions": [{"kind": "refund", "status": "success", "amount": "14.50", "currency": "EUR"}]}
                """
                .formatted(orderId, orderId);
        try (TopicReader events = new TopicReader("shop.events.v1")) {

            shopify("refunds/create", refund, sign(WebhookSecretsResource.SHOPIFY, refund)).then().statusCode(200);

            JsonNode event = events.await(m -> ("order-" + orderId).equals(m.value().path("session_id").asText()), 1)
                    .get(0).value();
            assertThat(event.get("type").asText()).isEqualTo("refund");
            assertThat(event.get("transaction_id").asText()).isEqualTo(String.valueOf(orderId));
            assertThat(event.get("value").decimalValue()).isEqualByComparingTo(new BigDecimal("14.50"));
            assertThat(event.get("items").get(0).get("item_id").asText()).isEqualTo("SKU-2210");
        }
    }

    @Test
    void aWooCommerceOrderBecomesAPurchase() {
        long orderId = ThreadLocalRandom.current().nextLong(100_000, 900_000);
        String order = """
                {"id": %d, "number": "%d", "status": "processing", "currency": "USD", "date_created_gmt": "2026-11-25T09:15:30",
                 "total": "59.00", "total_tax": "4.00", "shipping_total": "5.00", "customer_id": 0,
                 "line_items": [{"product_id": 31, "variation_id": 0, "sku": "MUG-1", "name": "Mug", "price": 25, "quantity": 2}]}
                """
                .formatted(orderId, orderId);
        try (TopicReader events = new TopicReader("shop.events.v1")) {

            woocommerce("order.created", order, sign(WebhookSecretsResource.WOOCOMMERCE, order)).then().statusCode(200);

            JsonNode event = events.await(m -> ("order-" + orderId).equals(m.value().path("session_id").asText()), 1)
                    .get(0).value();
            assertThat(event.get("type").asText()).isEqualTo("purchase");
            assertThat(event.get("timestamp").asText()).isEqualTo("2026-11-25T09:15:30Z");
            assertThat(event.get("value").decimalValue()).isEqualByComparingTo(new BigDecimal("59.00"));
            assertThat(event.get("shipping").decimalValue()).isEqualByComparingTo(new BigDecimal("5.00"));
            assertThat(event.get("items").get(0).get("item_id").asText()).isEqualTo("MUG-1");
        }
    }

    @Test
    void aBadOrMissingSignatureIs401() {
        String order = "{\"id\": 1, \"currency\": \"EUR\", \"total_price\": \"1.00\", \"line_items\": []}";

        shopify("orders/create", order, sign("not-the-secret", order)).then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
        given().header("X-WC-Webhook-Topic", "order.created").body(order).post("/webhooks/woocommerce").then()
                .statusCode(401);
    }

    @Test
    void aSignedBodyThatIsNotAnOrderIs422NotRetried() {
        String body = "{\"id\": 1, \"currency\": \"EUR\", \"total_price\": \"twelve\", \"line_items\": []}";

        shopify("orders/create", body, sign(WebhookSecretsResource.SHOPIFY, body)).then().statusCode(422)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("twelve"));
        shopify("orders/create", "not json", sign(WebhookSecretsResource.SHOPIFY, "not json")).then().statusCode(422);
    }

    @Test
    void theSignatureIsHmacSha256AsPublished() {
        // RFC 4231, test case 2: pins the algorithm and the key's encoding independently of this code.
        assertThat(java.util.HexFormat.of().formatHex(StorefrontWebhooks.hmac("Jefe",
                "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void topicsWithoutAnEventAreAcknowledged() {
        String body = "{\"id\": 1}";
        shopify("products/update", body, sign(WebhookSecretsResource.SHOPIFY, body)).then().statusCode(200)
                .body("status", equalTo("ok"));
    }

    private static Response shopify(String topic, String body, String signature) {
        return given().header("X-Shopify-Topic", topic).header("X-Shopify-Shop-Domain", "northpeak.myshopify.com")
                .header("X-Shopify-Hmac-Sha256", signature).contentType("application/json")
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/webhooks/shopify");
    }

    private static Response woocommerce(String topic, String body, String signature) {
        return given().header("X-WC-Webhook-Topic", topic).header("X-WC-Webhook-Source", "https://mugs.example.com/")
                .header("X-WC-Webhook-Signature", signature).contentType("application/json")
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/webhooks/woocommerce");
    }

    /** As Shopify and WooCommerce document it: base64 of HMAC-SHA256 over the raw body, keyed by the secret. */
    static String sign(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
