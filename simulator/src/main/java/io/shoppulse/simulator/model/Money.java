package io.shoppulse.simulator.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Exact money at a currency's own precision: 2 decimals for EUR and USD, none for JPY. */
public final class Money {

    private Money() {
    }

    public static int decimals(String currency) {
        return Currency.getInstance(currency).getDefaultFractionDigits();
    }

    /** The amount rounded half-even to the currency's decimals. */
    public static BigDecimal of(BigDecimal amount, String currency) {
        return amount.setScale(decimals(currency), RoundingMode.HALF_EVEN);
    }

    public static BigDecimal zero(String currency) {
        return BigDecimal.ZERO.setScale(decimals(currency));
    }

    /** {@code percent} of {@code amount}, rounded down to the currency's decimals (a shop never over-discounts). */
    public static BigDecimal percentOf(BigDecimal amount, int percent, String currency) {
        return amount.multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100), decimals(currency),
                RoundingMode.DOWN);
    }
}
