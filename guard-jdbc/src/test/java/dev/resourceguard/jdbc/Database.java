package dev.resourceguard.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** A database the scenarios run against, behind HikariCP: H2 in memory, or an embedded PostgreSQL. */
interface Database {

    /** The JDBC URL of the database; each call may make a new database (H2) or return the server's. */
    String jdbcUrl();

    String user();

    /** A query that runs far longer than any test: {@code pg_sleep(30)}, an endless H2 cross join. */
    String longQuery();

    /** A piece of {@link #longQuery()} to find it among the server's running statements. */
    String longQueryMarker();

    /** How many sessions other than {@code admin}'s run a statement containing {@code marker} now. */
    int running(Connection admin, String marker) throws SQLException;

    /** A fixed-size HikariCP pool of {@code size} connections, all made before this returns. */
    default HikariDataSource pool(String name, int size, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(user());
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(1000);
        HikariDataSource pool = new HikariDataSource(config);
        Awaits.poolFilled(pool, size);
        return pool;
    }

    static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
