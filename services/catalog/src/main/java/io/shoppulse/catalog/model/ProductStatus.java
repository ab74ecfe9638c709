package io.shoppulse.catalog.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Active products are sold; archived ones are kept (orders and analytics refer to them) but no longer offered. */
public enum ProductStatus {
    ACTIVE, ARCHIVED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named by {@code value}, or null when it names none. */
    public static ProductStatus parse(String value) {
        for (ProductStatus status : values()) {
            if (status.value().equals(value)) {
                return status;
            }
        }
        return null;
    }
}
