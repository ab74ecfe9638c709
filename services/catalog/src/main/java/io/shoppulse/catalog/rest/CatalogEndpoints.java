package io.shoppulse.catalog.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.shoppulse.catalog.model.CategoryInput;
import io.shoppulse.catalog.model.PriceInput;
import io.shoppulse.catalog.model.Product;
import io.shoppulse.catalog.model.ProductInput;
import io.shoppulse.catalog.model.Stock;
import io.shoppulse.catalog.model.StockInput;
import io.shoppulse.catalog.service.CatalogService;
import io.shoppulse.catalog.service.Preconditions;
import io.shoppulse.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Map;

/**
 * What each route of {@link CatalogRoutes} does: read the request, call the service with the caller's tenant,
 * answer with the resource and its ETag. Writes need admin or store-manager; reads also analyst, marketer and viewer
 * (checked by Quarkus before the route runs).
 */
@ApplicationScoped
public class CatalogEndpoints {

    static final String IF_MATCH = "If-Match";
    static final String IF_NONE_MATCH = "If-None-Match";
    static final String ETAG = "ETag";
    private final Http http;
    private final CatalogService catalog;

    public CatalogEndpoints(Http http, CatalogService catalog) {
        this.http = http;
        this.catalog = catalog;
    }

    void listProducts(Exchange e) {
        String limit = Http.param(e, "limit");
        Integer size = null;
        if (limit != null && !limit.isBlank()) {
            try {
                size = Integer.valueOf(limit.strip());
            } catch (NumberFormatException ex) {
                throw ProblemException.badRequest("limit", "must be a whole number");
            }
        }
        http.respond(e, 200, catalog.list(http.tenant(e), Http.param(e, "q"), Http.param(e, "category"),
                Http.param(e, "brand"), Http.param(e, "status"), Http.param(e, "cursor"), size), Map.of());
    }

    void getProduct(Exchange e) {
        Product product = catalog.product(http.tenant(e), Http.param(e, "sku"));
        http.respond(e, 200, product, etag(product.version()));
    }

    void putProduct(Exchange e) {
        var tenant = http.tenant(e);
        String sku = Http.param(e, "sku");
        ProductInput input = http.body(e, ProductInput.class);
        CatalogService.Written<Product> written = catalog.putProduct(tenant, sku, input, preconditions(e));
        Map<String, String> headers = new java.util.HashMap<>(etag(written.value().version()));
        if (written.created()) {
            headers.put("Location", "/v1/products/" + sku);
        }
        http.respond(e, written.created() ? 201 : 200, written.value(), headers);
    }

    void archiveProduct(Exchange e) {
        Product product = catalog.archive(http.tenant(e), Http.param(e, "sku"), preconditions(e));
        http.respond(e, 200, product, etag(product.version()));
    }

    void putPrice(Exchange e) {
        var tenant = http.tenant(e);
        PriceInput input = http.body(e, PriceInput.class);
        CatalogService.Written<Product> written = catalog.putPrice(tenant, Http.param(e, "sku"),
                Http.param(e, "currency"), input, preconditions(e));
        http.respond(e, written.created() ? 201 : 200, written.value(), etag(written.value().version()));
    }

    void listStock(Exchange e) {
        http.respond(e, 200, Map.of("items", catalog.stocks(http.tenant(e), Http.param(e, "sku"))), Map.of());
    }

    void getStock(Exchange e) {
        Stock stock = catalog.stock(http.tenant(e), Http.param(e, "sku"), Http.param(e, "location"));
        http.respond(e, 200, stock, etag(stock.version()));
    }

    void putStock(Exchange e) {
        var tenant = http.tenant(e);
        StockInput input = http.body(e, StockInput.class);
        CatalogService.Written<Stock> written = catalog.putStock(tenant, Http.param(e, "sku"),
                Http.param(e, "location"), input, preconditions(e));
        http.respond(e, written.created() ? 201 : 200, written.value(), etag(written.value().version()));
    }

    void getCategories(Exchange e) {
        http.respond(e, 200, Map.of("items", catalog.categories(http.tenant(e))), Map.of());
    }

    void putCategories(Exchange e) {
        var tenant = http.tenant(e);
        List<CategoryInput> input = http.body(e,
                http.mapper().getTypeFactory().constructType(new TypeReference<List<CategoryInput>>() {
                }));
        http.respond(e, 200, Map.of("items", catalog.putCategories(tenant, input)), Map.of());
    }

    private static Preconditions preconditions(Exchange e) {
        return new Preconditions(Http.header(e, IF_MATCH), Http.header(e, IF_NONE_MATCH));
    }

    private static Map<String, String> etag(long version) {
        return Map.of(ETAG, Preconditions.etag(version));
    }
}
