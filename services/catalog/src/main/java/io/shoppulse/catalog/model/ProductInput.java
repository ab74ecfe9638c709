package io.shoppulse.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A product as a client sends it to {@code PUT /v1/products/{sku}}: everything but its prices, stock and version.
 * {@code sku} may be repeated from the path (a product read and sent back), but must then be the same.
 * {@code status} is text so that a wrong value is a 400 naming the field, not a parse error.
 */
public record ProductInput(String sku, String name, String description, String category, String brand,
        JsonNode attributes, List<String> images, String status) {
}
