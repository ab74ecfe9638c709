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

    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
        }
        c.setAutoCommit(false);
        return c;
    }
}
