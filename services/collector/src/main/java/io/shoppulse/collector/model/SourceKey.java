package io.shoppulse.collector.model;

import java.util.List;
import java.util.UUID;

/** What a valid write key resolves to: whose events these are and which browser origins may send them. */
public record SourceKey(UUID tenantId, UUID sourceId, List<String> allowedOrigins) {
}
