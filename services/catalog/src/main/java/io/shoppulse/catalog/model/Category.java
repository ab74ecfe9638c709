package io.shoppulse.catalog.model;

import java.util.List;

/** A node of a tenant's category tree: its path, name, and the categories directly below it. */
public record Category(String path, String name, List<Category> children) {
}
