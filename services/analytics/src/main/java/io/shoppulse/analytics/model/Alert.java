package io.shoppulse.analytics.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** An alert the analytics jobs raised. */
public record Alert(String alertId, String kind, String severity, Instant occurredAt, String title, JsonNode details,
        Instant createdAt, Instant publishedAt) {
}
