package io.shoppulse.collector.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A tenant's event source as shown to its admins; never carries the write key itself. */
public record Source(UUID tenantId, UUID sourceId, String name, String keyPrefix, List<String> allowedOrigins,
        OffsetDateTime createdAt, OffsetDateTime rotatedAt) {
}
