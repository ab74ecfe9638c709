package io.shoppulse.catalog.model;

/** A product's stock at one location (the location is in the path); {@code reserved} defaults to 0. */
public record StockInput(Integer onHand, Integer reserved) {
}
