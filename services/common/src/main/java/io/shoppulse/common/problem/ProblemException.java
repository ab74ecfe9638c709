package io.shoppulse.common.problem;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Thrown by resources and services to answer with a problem document instead of a generic error. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(int status, String slug, String title, String detail, List<FieldError> errors,
            Duration retryAfter) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public static ProblemException badRequest(String detail, List<FieldError> errors) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail, errors, null);
    }

    public static ProblemException badRequest(String field, String reason) {
        return badRequest(reason, List.of(new FieldError(field, reason)));
    }

    public static ProblemException unauthorized(String slug, String detail) {
        return new ProblemException(401, slug, "Unauthorized", detail, List.of(), null);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail, List.of(), null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail, List.of(), null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail, List.of(), null);
    }

    public static ProblemException payloadTooLarge(String field, String reason) {
        return new ProblemException(413, "payload-too-large", "Payload too large", reason,
                List.of(new FieldError(field, reason)), null);
    }

    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(429, "rate-limited", "Too many requests", detail, List.of(), retryAfter);
    }

    public static ProblemException unavailable(String detail, Duration retryAfter) {
        return new ProblemException(503, "unavailable", "Service unavailable", detail, List.of(), retryAfter);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
