package io.shoppulse.common.problem;

/** One reason a request was refused, tied to the field (a JSON pointer-like path) that caused it. */
public record FieldError(String field, String reason) {
}
