package io.shoppulse.collector.service;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.collector.repository.SourceRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HexFormat;

/** Write-key lookups by hash, cached (expiry in application.properties); unknown keys are cached as null too. */
@ApplicationScoped
public class WriteKeyCache {

    private final SourceRepository repository;

    public WriteKeyCache(SourceRepository repository) {
        this.repository = repository;
    }

    @CacheResult(cacheName = "write-keys")
    public SourceKey lookup(String hashHex) {
        return repository.findLiveByKeyHash(HexFormat.of().parseHex(hashHex)).orElse(null);
    }

    @CacheInvalidateAll(cacheName = "write-keys")
    public void invalidateAll() {
        // the annotation does the work
    }
}
