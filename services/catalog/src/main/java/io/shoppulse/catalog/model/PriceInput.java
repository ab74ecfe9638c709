package io.shoppulse.catalog.model;

import java.math.BigDecimal;

/** The price of a product in one currency (the currency is in the path). */
public record PriceInput(BigDecimal amount) {
}
