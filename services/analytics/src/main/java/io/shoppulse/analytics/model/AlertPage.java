package io.shoppulse.analytics.model;

import java.time.Instant;
import java.util.List;

/** Alerts that occurred in [from, to), newest first. */
public record AlertPage(Instant from, Instant to, List<Alert> alerts) {
}
