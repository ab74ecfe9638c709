package io.shoppulse.analytics.model;

import java.time.Instant;
import java.util.List;

public record ProductReport(Instant from, Instant to, String sort, String currency, List<ProductStats> products) {
}
