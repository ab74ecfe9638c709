package io.shoppulse.routes.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * What the integration routes need to know. A deployment serves one shop: its write key and its storefront's
 * webhook secrets come from the environment (a Kubernetes Secret under Camel K), never from the repository.
 */
@ConfigMapping(prefix = "shoppulse.webhooks")
public interface RoutesConfig {

    /** Shopify's webhook signing secret (the app's client secret); unset disables the Shopify endpoint. */
    Optional<String> shopifySecret();

    /** The secret set on the WooCommerce webhook; unset disables the WooCommerce endpoint. */
    Optional<String> woocommerceSecret();
}
