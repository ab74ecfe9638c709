package io.shoppulse.collector.service;

import io.shoppulse.collector.model.SourceKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Write keys: 40 random base-62 characters after a {@code spk_} prefix (about 238 bits), stored only as SHA-256.
 * Lookups are cached briefly; a revoked or rotated key stops working on other replicas within the cache's expiry.
 */
@ApplicationScoped
public class WriteKeys {

    static final String PREFIX = "spk_";
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();
    private static final int LENGTH = 40;

    private final SecureRandom random = new SecureRandom();
    private final WriteKeyCache cache;

    public WriteKeys(WriteKeyCache cache) {
        this.cache = cache;
    }

    public String generate() {
        StringBuilder key = new StringBuilder(PREFIX);
        for (int i = 0; i < LENGTH; i++) {
            key.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return key.toString();
    }

    /** The part of a key that may be shown in lists, so people can tell keys apart. */
    public static String displayPrefix(String key) {
        return key.substring(0, PREFIX.length() + 6);
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source a key belongs to, if the key is live. */
    public Uni<Optional<SourceKey>> resolve(String key) {
        if (key == null || !key.startsWith(PREFIX) || key.length() != PREFIX.length() + LENGTH) {
            return Uni.createFrom().item(Optional.empty());
        }
        return cache.lookup(HexFormat.of().formatHex(hash(key))).map(Optional::ofNullable);
    }

    /** Called after a key is rotated or revoked, so it stops working on this replica at once. */
    public void forgetCached() {
        cache.invalidateAll();
    }
}
