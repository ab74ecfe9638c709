package io.shoppulse.orders.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * An order's life: placed → paid → shipped → delivered; cancelled before shipping; refunded (in full) once paid.
 * Partial refunds leave the status as it is and are recorded as refund lines.
 */
public enum OrderStatus {
    PLACED, PAID, SHIPPED, DELIVERED, CANCELLED, REFUNDED;

    private Set<OrderStatus> next() {
        return switch (this) {
            case PLACED -> EnumSet.of(PAID, CANCELLED);
            case PAID -> EnumSet.of(SHIPPED, CANCELLED, REFUNDED);
            case SHIPPED -> EnumSet.of(DELIVERED, REFUNDED);
            case DELIVERED -> EnumSet.of(REFUNDED);
            case CANCELLED, REFUNDED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    public boolean canBecome(OrderStatus target) {
        return next().contains(target);
    }

    /** Money has been taken and not yet all given back. */
    public boolean isRefundable() {
        return this == PAID || this == SHIPPED || this == DELIVERED;
    }

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OrderStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
