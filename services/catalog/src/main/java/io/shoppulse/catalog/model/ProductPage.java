package io.shoppulse.catalog.model;

import java.util.List;

/** One page of products (best match first when searching, else by SKU); {@code nextCursor} is null on the last. */
public record ProductPage(List<Product> items, String nextCursor) {
}
