package io.shoppulse.common.imports;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams the rows of a CSV export (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) without
 * holding the file, each with the line it starts on, so a bad row can be reported by line number.
 */
public final class CsvRows implements AutoCloseable {

    private static final CsvMapper CSV = new CsvMapper();
    private final CsvParser parser;
    private final Map<String, Integer> columns = new HashMap<>();
    private final List<String> fields = new ArrayList<>();
    private long line;

    public CsvRows(InputStream in, CsvSettings settings) throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(settings.delimiterOrDefault())
                .withQuoteChar(settings.quoteOrDefault());
        parser = CSV.getFactory().createParser(in);
        parser.setSchema(schema);
        parser.enable(CsvParser.Feature.TRIM_SPACES);
        if (settings.hasHeader()) {
            if (!next()) {
                throw new ImportException("file", "is empty: it has no header line");
            }
            for (int i = 0; i < fields.size(); i++) {
                columns.putIfAbsent(fields.get(i), i);
            }
        }
    }

    /** The index of a column named in the mapping: its header name, or its 1-based position without a header. */
    public int column(String mappingField, String name) {
        Integer index = columns.get(name);
        if (index == null && columns.isEmpty() && name.matches("[1-9][0-9]*")) {
            index = Integer.parseInt(name) - 1;
        }
        if (index == null) {
            throw new ImportException("columns." + mappingField,
                    "names column '" + name + "', which the file does not have (it has " + columns.keySet() + ")");
        }
        return index;
    }

    /** Moves to the next row; false at the end of the file. Blank lines are skipped. */
    public boolean next() {
        try {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_ARRAY) {
                    continue;
                }
                line = parser.currentLocation().getLineNr();
                fields.clear();
                while (parser.nextToken() == JsonToken.VALUE_STRING) {
                    fields.add(parser.getText());
                }
                if (fields.size() == 1 && fields.get(0).isEmpty()) {
                    continue;
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new ImportException("file", "is not readable CSV near line " + line + ": " + e.getMessage());
        }
    }

    /** The line of the file this row starts on (1 is the first line, the header if there is one). */
    public long line() {
        return line;
    }

    /** The field at a column, null when the row is shorter or the field is empty. */
    public String get(int column) {
        if (column < 0 || column >= fields.size()) {
            return null;
        }
        String value = fields.get(column);
        return value.isEmpty() ? null : value;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
