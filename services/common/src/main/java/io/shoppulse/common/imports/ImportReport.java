package io.shoppulse.common.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * What an import did: rows read, how many were loaded, were already there, skipped by the mapping's rules, or bad
 * (with their line numbers and reasons; the first {@value #KEPT_BAD_ROWS} are listed, all are counted).
 */
public final class ImportReport {

    public static final int KEPT_BAD_ROWS = 1000;

    public record BadRow(long line, String reason) {
    }

    /** The report as the API answers it. */
    public record Summary(long rowsRead, long rowsLoaded, long rowsAlreadyPresent, long rowsSkipped, long badRowCount,
            List<BadRow> badRows, long recordsLoaded, long recordsAlreadyPresent, double seconds, long rowsPerS) {
    }

    private final long started = System.nanoTime();
    private final List<BadRow> badRows = new ArrayList<>();
    private long rowsRead;
    private long rowsLoaded;
    private long rowsAlreadyPresent;
    private long rowsSkipped;
    private long badRowCount;
    private long recordsLoaded;
    private long recordsAlreadyPresent;

    public void read() {
        rowsRead++;
    }

    public void skipped() {
        rowsSkipped++;
    }

    public void bad(long line, String reason) {
        badRowCount++;
        if (badRows.size() < KEPT_BAD_ROWS) {
            badRows.add(new BadRow(line, reason));
        }
    }

    /** One record (an order, an event) and the rows it came from were loaded, or were there from before. */
    public void record(boolean loaded, int rows) {
        if (loaded) {
            recordsLoaded++;
            rowsLoaded += rows;
        } else {
            recordsAlreadyPresent++;
            rowsAlreadyPresent += rows;
        }
    }

    /** Many one-row records at once (events): {@code loaded} were new, {@code alreadyPresent} were there before. */
    public void records(long loaded, long alreadyPresent) {
        recordsLoaded += loaded;
        rowsLoaded += loaded;
        recordsAlreadyPresent += alreadyPresent;
        rowsAlreadyPresent += alreadyPresent;
    }

    public long rowsRead() {
        return rowsRead;
    }

    public Summary summary() {
        double seconds = (System.nanoTime() - started) / 1e9;
        List<BadRow> sorted = new ArrayList<>(badRows);
        sorted.sort(java.util.Comparator.comparingLong(BadRow::line));
        return new Summary(rowsRead, rowsLoaded, rowsAlreadyPresent, rowsSkipped, badRowCount, sorted, recordsLoaded,
                recordsAlreadyPresent, Math.round(seconds * 1000) / 1000.0,
                seconds > 0 ? Math.round(rowsRead / seconds) : rowsRead);
    }
}
