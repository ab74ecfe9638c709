package io.shoppulse.common.imports;

import java.util.Arrays;

/** Checks of a mapping file that every import makes the same way, each refusal naming the mapping's key. */
public final class MappingRules {

    private MappingRules() {
    }

    /** A column the import cannot do without: {@code field} is its key under {@code columns}. */
    public static void requireColumn(String column, String field) {
        if (column == null || column.isBlank()) {
            throw new ImportException("mapping.columns." + field, "is required: the column holding it");
        }
    }

    /** The index of an optional column in the file, or -1 when the mapping names none. */
    public static int optionalColumn(CsvRows rows, String field, String column) {
        return column == null || column.isBlank() ? -1 : rows.column(field, column);
    }

    /** A rule's value, {@code fallback} when it is not given; anything outside {@code allowed} is refused. */
    public static String oneOf(String field, String value, String fallback, String... allowed) {
        if (value == null) {
            return fallback;
        }
        if (Arrays.asList(allowed).contains(value)) {
            return value;
        }
        throw new ImportException(field, "must be one of " + String.join(", ", allowed));
    }
}
