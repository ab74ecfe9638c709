package io.shoppulse.catalog.service;

import io.shoppulse.common.problem.FieldError;
import io.shoppulse.common.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;

/**
 * A write's conditional headers (RFC 9110 §13). ETags are the version in quotes ({@code "3"}); a weakened
 * {@code W/"3"} (as some proxies make it) is taken as the same version.
 * <ul>
 * <li>Changing something that exists needs {@code If-Match} with its current ETag: 428 without it, 412 when stale.</li>
 * <li>{@code If-Match} on something that does not exist yet is 412 (it cannot match).</li>
 * <li>{@code If-None-Match: *} makes a write create-only: 412 when the thing exists.</li>
 * </ul>
 */
public final class Preconditions {

    public static final Preconditions NONE = new Preconditions(null, null);
    private final String ifMatch;
    private final String ifNoneMatch;

    public Preconditions(String ifMatch, String ifNoneMatch) {
        this.ifMatch = blankToNull(ifMatch);
        this.ifNoneMatch = blankToNull(ifNoneMatch);
    }

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** Before creating: an If-Match cannot be met by something that does not exist. */
    void requireAbsent(String what) {
        if (ifMatch != null) {
            throw failed(what + " does not exist, so If-Match cannot match.", "If-Match", "nothing exists to match");
        }
    }

    /** Before replacing: If-None-Match: * asked to create only. */
    void requirePresent(String what) {
        if (ifNoneMatch != null) {
            throw failed(what + " already exists and If-None-Match asked to create only.", "If-None-Match",
                    "it already exists");
        }
    }

    /** Before changing: the caller must show it knows the current version. */
    void requireMatch(String what, long version) {
        if (ifMatch == null) {
            throw new ProblemException(428, "precondition-required", "Precondition required",
                    what + " exists: send If-Match with its ETag (" + etag(version) + ") to change it.",
                    List.of(new FieldError("If-Match", "is required to change what exists; the ETag is "
                            + etag(version))),
                    null);
        }
        if (!matches(version)) {
            throw failed(what + " has changed since you read it: its ETag is now " + etag(version) + ".", "If-Match",
                    "does not match the current ETag " + etag(version));
        }
    }

    private boolean matches(long version) {
        if (ifMatch.equals("*")) {
            return true;
        }
        for (String tag : tags(ifMatch)) {
            String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
            if (opaque.equals(etag(version))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> tags(String header) {
        List<String> tags = new ArrayList<>();
        for (String part : header.split(",")) {
            if (!part.isBlank()) {
                tags.add(part.strip());
            }
        }
        return tags;
    }

    private static ProblemException failed(String detail, String field, String reason) {
        return new ProblemException(412, "precondition-failed", "Precondition failed", detail,
                List.of(new FieldError(field, reason)), null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
