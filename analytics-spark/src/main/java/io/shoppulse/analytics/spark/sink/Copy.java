package io.shoppulse.analytics.spark.sink;

import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Rows into a temporary table by COPY (text format), the cheapest way into PostgreSQL. */
public final class Copy {

    private final StringBuilder rows = new StringBuilder();
    private int count;

    /** Appends one row; {@code null} is SQL NULL. */
    public Copy row(Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                rows.append('\t');
            }
            Object v = values[i];
            if (v == null) {
                rows.append("\\N");
            } else {
                escape(v.toString());
            }
        }
        rows.append('\n');
        count++;
        return this;
    }

    public int count() {
        return count;
    }

    /**
     * Loads the rows into {@code temp}, a temporary table of {@code columns} emptied at every commit. It is made once
     * per connection and kept: making and dropping tables in every batch would bloat PostgreSQL's catalog. A name
     * always has the same columns, and a transaction fills it once.
     */
    public void into(Connection c, String temp, String columns) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + temp + " (" + columns + ") ON COMMIT DELETE ROWS");
        }
        if (count == 0) {
            return;
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + temp + " FROM STDIN",
                    new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + temp + " failed", e);
        }
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                case '\0' -> {
                    // PostgreSQL text cannot hold NUL
                }
                default -> rows.append(ch);
            }
        }
    }
}
