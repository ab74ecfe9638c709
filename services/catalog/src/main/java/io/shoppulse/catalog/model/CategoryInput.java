package io.shoppulse.catalog.model;

/** A category to create or rename: its path ("apparel/shoes/running") and display name. */
public record CategoryInput(String path, String name) {
}
