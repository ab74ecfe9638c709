package io.shoppulse.simulator.model;

import java.math.BigDecimal;

/** One SKU of a shop's catalogue; {@code category} is a path with levels separated by '/'. */
public record Product(String sku, String name, String brand, String category, String variant, BigDecimal price,
        String slug) {
}
