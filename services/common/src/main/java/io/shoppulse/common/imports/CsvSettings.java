package io.shoppulse.common.imports;

/**
 * How an export file is written: its delimiter, whether its first line names the columns, and its quote character.
 * Without a header, columns are named by their position: "1", "2", ...
 */
public record CsvSettings(Character delimiter, Boolean header, Character quote) {

    public static final CsvSettings DEFAULT = new CsvSettings(',', true, '"');

    public char delimiterOrDefault() {
        return delimiter == null ? ',' : delimiter;
    }

    public boolean hasHeader() {
        return header == null || header;
    }

    public char quoteOrDefault() {
        return quote == null ? '"' : quote;
    }
}
