package io.shoppulse.collector.service;

import io.shoppulse.collector.model.SourceKey;
import io.shoppulse.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Who may send events: a live write key, from an allowed origin, within its rate. */
@ApplicationScoped
public class SourceAccess {

    public static final String WRITE_KEY_HEADER = "X-ShopPulse-Key";

    private final WriteKeys writeKeys;
    private final RateLimits rateLimits;

    public SourceAccess(WriteKeys writeKeys, RateLimits rateLimits) {
        this.writeKeys = writeKeys;
        this.rateLimits = rateLimits;
    }

    /**
     * The source the key belongs to. An empty list of allowed origins allows any origin (and server-side senders,
     * which send none).
     */
    public Uni<SourceKey> authorise(String key, String origin) {
        if (key == null) {
            return Uni.createFrom().failure(ProblemException.unauthorized("missing-write-key",
                    "Send the source's write key in the " + WRITE_KEY_HEADER + " header (or writeKey in the body)."));
        }
        return writeKeys.resolve(key).map(found -> {
            SourceKey source = found.orElseThrow(() -> ProblemException.unauthorized("unknown-write-key",
                    "The write key is not valid or has been revoked."));
            if (origin != null && !source.allowedOrigins().isEmpty() && !source.allowedOrigins().contains(origin)) {
                throw ProblemException.forbidden("Origin " + origin + " is not among this source's allowed origins.");
            }
            rateLimits.acquire(source.sourceId());
            return source;
        });
    }
}
