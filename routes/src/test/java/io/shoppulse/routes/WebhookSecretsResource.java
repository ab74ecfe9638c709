package io.shoppulse.routes;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/** Fresh webhook secrets for a test run, as a shop owner would set them in Shopify and WooCommerce. */
public class WebhookSecretsResource implements QuarkusTestResourceLifecycleManager {

    public static final String SHOPIFY = "shpss_" + UUID.randomUUID().toString().replace("-", "");
    public static final String WOOCOMMERCE = "wc_" + UUID.randomUUID();

    @Override
    public Map<String, String> start() {
        return Map.of("shoppulse.webhooks.shopify-secret", SHOPIFY, "shoppulse.webhooks.woocommerce-secret",
                WOOCOMMERCE);
    }

    @Override
    public void stop() {
        // nothing to release
    }
}
