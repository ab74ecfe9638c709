package io.shoppulse.common.jdbc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one database transaction of the service's datasource: committed when it returns, rolled back when it
 * throws; a database failure surfaces as {@link StorageException}. Work that lost a race to create the same row
 * ({@link Retry}) runs again from the start, in a new transaction, and then sees the row the other request made.
 */
@ApplicationScoped
public class Transactions {

    static final int ATTEMPTS = 3;
    // Resolved when work runs: services without a database (the routes runtime) share this library.
    private final Instance<DataSource> dataSource;

    public Transactions(Instance<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public <T> T inTransaction(Work<T> work) {
        for (int attempt = 1;; attempt++) {
            try {
                return once(work);
            } catch (Retry e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("a row kept being created concurrently", e);
                }
            }
        }
    }

    private <T> T once(Work<T> work) {
        try (Connection c = dataSource.get().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Thrown by work whose insert found the row already made by a concurrent request. */
    public static final class Retry extends RuntimeException {
        public Retry() {
            super("created concurrently", null, false, false);
        }
    }

    /** A database failure. */
    public static final class StorageException extends RuntimeException {
        public StorageException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }

        /** "no partition of relation ... found for row": the row's time has no partition yet. */
        public boolean isMissingPartition() {
            return "23514".equals(sqlState()) && String.valueOf(getCause().getMessage()).contains("no partition");
        }

        /** The name of the constraint the database enforced, when it says. */
        public String constraint() {
            if (getCause() instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage().getConstraint();
            }
            return null;
        }
    }
}
