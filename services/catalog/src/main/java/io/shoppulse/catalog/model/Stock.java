package io.shoppulse.catalog.model;

import java.time.Instant;

/** A product's stock at one location as stored: available = on_hand − reserved. {@code version} is its ETag. */
public record Stock(String sku, String location, int onHand, int reserved, int available, long version,
        Instant updatedAt) {
}
