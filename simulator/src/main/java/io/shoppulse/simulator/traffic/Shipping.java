package io.shoppulse.simulator.traffic;

import java.math.BigDecimal;

/** What delivery costs in each shop: free above a threshold for standard, a flat fee otherwise or for express. */
final class Shipping {

    private record Fees(BigDecimal standard, BigDecimal express, BigDecimal freeFrom) {
    }

    private Shipping() {
    }

    static BigDecimal fee(String currency, String tier, BigDecimal net) {
        Fees fees = switch (currency) {
            case "USD" -> new Fees(new BigDecimal("5.99"), new BigDecimal("12.99"), new BigDecimal("75.00"));
            case "JPY" -> new Fees(new BigDecimal("600"), new BigDecimal("1200"), new BigDecimal("8000"));
            default -> new Fees(new BigDecimal("4.90"), new BigDecimal("9.90"), new BigDecimal("50.00"));
        };
        if ("express".equals(tier)) {
            return fees.express();
        }
        return net.compareTo(fees.freeFrom()) >= 0
                ? BigDecimal.ZERO.setScale(fees.standard().scale())
                : fees.standard();
    }
}
