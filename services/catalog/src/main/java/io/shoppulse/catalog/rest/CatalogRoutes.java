package io.shoppulse.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

/**
 * The catalog API in Camel's REST DSL on platform-http (Quarkus' own HTTP server). Quarkus verifies the bearer token
 * and checks the role per path and method (quarkus.http.auth.permission.* in application.properties) before a route
 * runs; each route then takes the tenant from that verified token. The contract is META-INF/openapi.yaml.
 */
@ApplicationScoped
public class CatalogRoutes extends RouteBuilder {

    private final Http http;
    private final Problems problems;
    private final CatalogEndpoints endpoints;

    public CatalogRoutes(Http http, Problems problems, CatalogEndpoints endpoints) {
        this.http = http;
        this.problems = problems;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        // Bodies are read and written by the endpoints with Quarkus' ObjectMapper, so that a bad field is named.
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off).inlineRoutes(true);

        onException(Exception.class).handled(true).process(problems::answer);

        rest("/v1/products")
                .get().routeId("catalog-products-list").to("direct:catalog-products-list")
                .get("/{sku}").routeId("catalog-product-get").to("direct:catalog-product-get")
                .put("/{sku}").routeId("catalog-product-put").to("direct:catalog-product-put")
                .delete("/{sku}").routeId("catalog-product-archive").to("direct:catalog-product-archive")
                .put("/{sku}/prices/{currency}").routeId("catalog-price-put").to("direct:catalog-price-put")
                .get("/{sku}/inventory").routeId("catalog-inventory-list").to("direct:catalog-inventory-list")
                .get("/{sku}/inventory/{location}").routeId("catalog-inventory-get")
                .to("direct:catalog-inventory-get")
                .put("/{sku}/inventory/{location}").routeId("catalog-inventory-put")
                .to("direct:catalog-inventory-put");
        rest("/v1/categories")
                .get().routeId("catalog-categories-get").to("direct:catalog-categories-get")
                .put().routeId("catalog-categories-put").to("direct:catalog-categories-put");

        from("direct:catalog-products-list").process(http::begin).process(endpoints::listProducts);
        from("direct:catalog-product-get").process(http::begin).process(endpoints::getProduct);
        from("direct:catalog-product-put").process(http::begin).process(endpoints::putProduct);
        from("direct:catalog-product-archive").process(http::begin).process(endpoints::archiveProduct);
        from("direct:catalog-price-put").process(http::begin).process(endpoints::putPrice);
        from("direct:catalog-inventory-list").process(http::begin).process(endpoints::listStock);
        from("direct:catalog-inventory-get").process(http::begin).process(endpoints::getStock);
        from("direct:catalog-inventory-put").process(http::begin).process(endpoints::putStock);
        from("direct:catalog-categories-get").process(http::begin).process(endpoints::getCategories);
        from("direct:catalog-categories-put").process(http::begin).process(endpoints::putCategories);
    }
}
