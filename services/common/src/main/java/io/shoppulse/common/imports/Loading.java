package io.shoppulse.common.imports;

import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Imports read the file on the request's thread while a loader thread writes the previous batch. */
public final class Loading {

    private Loading() {
    }

    /** The batch's outcome, with the loader's own failure rethrown as it was (not wrapped). */
    public static <T> T await(Future<T> batch) throws SQLException {
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while loading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
