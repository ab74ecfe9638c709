package io.shoppulse.collector.model;

import java.util.List;

/** Request body to create a source. */
public record NewSource(String name, List<String> allowedOrigins) {
}
