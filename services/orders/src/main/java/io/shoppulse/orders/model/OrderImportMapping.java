package io.shoppulse.orders.model;

import io.shoppulse.common.imports.CsvSettings;
import io.shoppulse.common.imports.TimestampFormat;

import java.util.Map;

/**
 * How a shop's order export maps onto orders: one CSV row per order line, rows of one order sharing its id. See
 * services/orders/README.md and demo/import/ for examples.
 *
 * @param csv the file's delimiter, header and quote
 * @param columns which column holds which field
 * @param currency the currency of every order when no column holds it
 * @param timestamp how {@code placed_at} is written, and its time zone when it has no offset
 * @param countries country names of the export mapped to ISO codes (English names and ISO codes are known already)
 * @param returns what a row with a negative quantity is: {@code refund} (a return of that order), {@code skip} or
 *        {@code reject}
 * @param cancellations orders whose id starts with a prefix cancel the order of the id without it
 * @param status the status imported orders get: placed, paid, shipped or delivered (default)
 */
public record OrderImportMapping(CsvSettings csv, Columns columns, String currency, TimestampFormat timestamp,
        Map<String, String> countries, String returns, Cancellations cancellations, String status) {

    public record Columns(String orderId, String placedAt, String customerId, String sku, String name,
            String quantity, String unitPrice, String discount, String currency, String country) {
    }

    /** {@code action}: refund (the original order gets the rows as returns), skip or reject. */
    public record Cancellations(String prefix, String action) {
    }
}
