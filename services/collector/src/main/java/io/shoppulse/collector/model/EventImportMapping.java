package io.shoppulse.collector.model;

import io.shoppulse.common.imports.CsvSettings;
import io.shoppulse.common.imports.TimestampFormat;

import java.util.Map;

/**
 * How a shop's behaviour export maps onto contract events: one CSV row per event. See services/collector/README.md
 * and demo/import/events-mapping.yaml for an example.
 *
 * @param csv the file's delimiter, header and quote
 * @param columns which column holds which field
 * @param currency the currency of every row when no column holds it
 * @param timestamp how {@code time} is written, and its time zone when it has no offset
 * @param types the export's type values mapped to contract types ({@code view: view_item}); without it the values
 *        are taken as contract types
 * @param unknownTypes what a row whose type maps to nothing is: {@code skip} (counted, the default) or
 *        {@code reject} (a bad row)
 */
public record EventImportMapping(CsvSettings csv, Columns columns, String currency, TimestampFormat timestamp,
        Map<String, String> types, String unknownTypes) {

    /**
     * Column names (or 1-based positions without a header). {@code time}, {@code type} and {@code session_id} are
     * required; {@code anonymous_id} defaults to the user, then the session; {@code value} defaults to price ×
     * quantity; {@code event_id}, when not mapped or empty, is derived from the row (the same file gives the same
     * ids).
     */
    public record Columns(String time, String type, String userId, String sessionId, String anonymousId,
            String itemId, String itemName, String itemBrand, String itemCategory, String price, String quantity,
            String value, String currency, String pageUrl, String transactionId, String searchTerm,
            String eventId) {
    }
}
