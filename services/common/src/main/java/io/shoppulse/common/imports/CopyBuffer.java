package io.shoppulse.common.imports;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Rows for PostgreSQL's {@code COPY ... FROM STDIN} in its text format, written straight into UTF-8 bytes: fields
 * separated by tabs, rows by newlines, {@code \N} for null, and backslash, tab, newline and carriage return escaped.
 * Reused batch after batch ({@link #clear()}), so a bulk load builds no per-row strings.
 */
public final class CopyBuffer {

    private static final byte[] NULL = {'\\', 'N'};
    private byte[] bytes;
    private int size;
    private int rows;
    private boolean midRow;

    public CopyBuffer(int initialBytes) {
        bytes = new byte[Math.max(initialBytes, 64)];
    }

    /** A text field; null is SQL NULL. */
    public CopyBuffer text(String value) {
        if (value == null) {
            separate();
            append(NULL, 0, NULL.length);
            return this;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8); // a plain copy for ASCII text
        return utf8(utf8, 0, utf8.length);
    }

    /** A field given as UTF-8 bytes, such as a JSON document for a jsonb column; escaped like text. */
    public CopyBuffer utf8(byte[] value, int from, int length) {
        separate();
        escaped(value, from, length);
        return this;
    }

    /** Ends the current row. */
    public CopyBuffer endRow() {
        ensure(1);
        bytes[size++] = '\n';
        rows++;
        midRow = false;
        return this;
    }

    public int rows() {
        return rows;
    }

    public int bytes() {
        return size;
    }

    public void clear() {
        size = 0;
        rows = 0;
        midRow = false;
    }

    /** Sends the rows with {@code copySql} ({@code COPY t (a, b) FROM STDIN}) on the caller's transaction. */
    public long copyIn(Connection connection, String copySql) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            int chunk = 1 << 20;
            for (int at = 0; at < size; at += chunk) {
                copy.writeToCopy(bytes, at, Math.min(chunk, size - at));
            }
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void separate() {
        if (midRow) {
            ensure(1);
            bytes[size++] = '\t';
        }
        midRow = true;
    }

    /** Copies runs of plain bytes at once; UTF-8 continuation bytes are >= 0x80, so never mistaken for escapes. */
    private void escaped(byte[] value, int from, int length) {
        int end = from + length;
        int run = from;
        for (int i = from; i < end; i++) {
            byte b = value[i];
            if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
                append(value, run, i - run);
                ensure(2);
                bytes[size++] = '\\';
                bytes[size++] = (byte) (b == '\\' ? '\\' : b == '\t' ? 't' : b == '\n' ? 'n' : 'r');
                run = i + 1;
            }
        }
        append(value, run, end - run);
    }

    private void append(byte[] value, int from, int length) {
        ensure(length);
        System.arraycopy(value, from, bytes, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more + 64));
        }
    }
}
