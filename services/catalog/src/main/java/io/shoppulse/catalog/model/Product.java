package io.shoppulse.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A product as stored, with its prices by currency (ISO 4217 code to amount, at the currency's precision).
 * {@code version} counts every change to the product or its prices; it is the ETag.
 */
public record Product(String sku, String name, String description, String category, String brand,
        JsonNode attributes, List<String> images, ProductStatus status, Map<String, BigDecimal> prices, long version,
        Instant createdAt, Instant updatedAt) {

    public Product withPrices(Map<String, BigDecimal> all) {
        return new Product(sku, name, description, category, brand, attributes, images, status, all, version,
                createdAt, updatedAt);
    }

    /** Same content as {@code other}, whatever the versions and times: writing it again would change nothing. */
    public boolean sameContent(Product other) {
        return List.of(sku, name, nullToEmpty(description), nullToEmpty(category), nullToEmpty(brand), attributes,
                images, status).equals(
                        List.of(other.sku, other.name, nullToEmpty(other.description),
                                nullToEmpty(other.category), nullToEmpty(other.brand), other.attributes, other.images,
                                other.status));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
