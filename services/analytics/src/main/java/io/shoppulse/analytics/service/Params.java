package io.shoppulse.analytics.service;

import io.shoppulse.analytics.model.Grain;
import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Query parameters checked all at once: every bad one is named in the one 400 problem document
 * ({@link #check()}).
 */
public final class Params {

    /** A half-open time range [from, to). */
    public record Range(Instant from, Instant to) {
    }

    private final List<FieldError> errors = new ArrayList<>();

    public Instant instant(String field, String value, boolean required, Instant fallback) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(new FieldError(field, "required: an ISO 8601 instant such as 2026-11-01T00:00:00Z"));
            }
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO 8601 instant such as 2026-11-01T00:00:00Z"));
            return null;
        }
    }

    /** [from, to) with from before to and at most {@code max} long. */
    public Range range(Instant from, Instant to, Duration max) {
        if (from == null || to == null) {
            return null;
        }
        if (!from.isBefore(to)) {
            errors.add(new FieldError("to", "must be after from"));
        } else if (Duration.between(from, to).compareTo(max) > 0) {
            errors.add(new FieldError("to", "must be at most " + max.toDays() + " day(s) after from"));
        }
        return new Range(from, to);
    }

    public Grain grain(String value) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError("grain", "required: one of minute, hour, day"));
            return null;
        }
        try {
            return Grain.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("grain", "must be one of minute, hour, day"));
            return null;
        }
    }

    public String oneOf(String field, String value, Set<String> allowed, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            errors.add(new FieldError(field, "must be one of " + String.join(", ", allowed.stream().sorted()
                    .toList())));
            return null;
        }
        return value;
    }

    public int limit(Integer value, int fallback, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < 1 || value > max) {
            errors.add(new FieldError("limit", "must be between 1 and " + max));
        }
        return value;
    }

    public String text(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > maxLength) {
            errors.add(new FieldError(field, "must be 1 to " + maxLength + " characters"));
        }
        return value;
    }

    public String currency(String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(new FieldError("currency", "required with sort=revenue: revenue is never summed across"
                        + " currencies"));
            }
            return null;
        }
        if (!value.matches("[A-Z]{3}")) {
            errors.add(new FieldError("currency", "must be an ISO 4217 code such as EUR"));
        }
        return value;
    }

    public void check() {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(
                    errors.size() == 1 ? errors.get(0).reason() : "Some parameters are invalid.",
                    errors);
        }
    }
}
