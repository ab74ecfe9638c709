package io.shoppulse.analytics.spark.sink;

import io.shoppulse.analytics.spark.config.JobConfig;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Connections to the analytics schema, in UTC so that date_trunc cuts buckets on UTC boundaries. */
public final class Postgres implements Serializable {

    private final String url;
    private final String user;
    private final String password;

    public Postgres(JobConfig config) {
        this.url = config.jdbcUrl();
        this.user = config.dbUser();
        this.password = config.dbPassword();
    }

    /**
     * One connection kept open across a query's micro-batches: a batch neither pays for a new connection nor makes
     * its temporary tables again ({@link Copy} makes them once per connection). A connection that failed is closed
     * with {@link Kept#discard()} and the next {@link Kept#get()} opens another.
     */
    public Kept kept() {
        return new Kept(this);
    }

    /** See {@link #kept()}; used by one thread at a time (a query's batches run one after another). */
    public static final class Kept {
        private final Postgres db;
        private Connection connection;

        private Kept(Postgres db) {
            this.db = db;
        }

        public Connection get() throws SQLException {
            if (connection == null) {
                connection = db.open();
            }
            return connection;
        }

        public void discard() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // it is being thrown away because it failed
                }
                connection = null;
            }
        }
    }

    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
            // The sink's statements join staging tables without statistics, so their cost estimates can be high
            // enough for PostgreSQL to JIT-compile them at every batch (8 ms measured for the visitor look-up).
            s.execute("SET jit = off");
        }
        c.setAutoCommit(false);
        return c;
    }
}
