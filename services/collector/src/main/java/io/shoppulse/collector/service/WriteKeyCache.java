package io.shoppulse.collector.service;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.collector.repository.SourceRepository;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HexFormat;

/**
 * Write-key lookups by hash, cached (expiry in application.properties); unknown keys are cached as null too. A miss
 * reads PostgreSQL on a worker thread, so callers on the event loop never block.
 */
@ApplicationScoped
public class WriteKeyCache {

    private final SourceRepository repository;

    public WriteKeyCache(SourceRepository repository) {
        this.repository = repository;
    }

    @CacheResult(cacheName = "write-keys")
    public Uni<SourceKey> lookup(String hashHex) {
        return Uni.createFrom().item(() -> repository.findLiveByKeyHash(HexFormat.of().parseHex(hashHex)).orElse(null))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @CacheInvalidateAll(cacheName = "write-keys")
    public void invalidateAll() {
        // the annotation does the work
    }
}
