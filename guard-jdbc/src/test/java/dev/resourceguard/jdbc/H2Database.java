package dev.resourceguard.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh H2 database in memory, kept until {@link #close()}. */
final class H2Database implements Database, AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String url = "jdbc:h2:mem:guard-jdbc-" + SEQUENCE.incrementAndGet() + ";DB_CLOSE_DELAY=-1";

    @Override
    public String jdbcUrl() {
        return url;
    }

    @Override
    public String user() {
        return "sa";
    }

    /** A cross join of 10^18 rows: H2 checks for cancel while it runs. */
    @Override
    public String longQuery() {
        return "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 1000000000) a, SYSTEM_RANGE(1, 1000000000) b"
                + " WHERE a.X + b.X = -1";
    }

    @Override
    public String longQueryMarker() {
        return "a.X + b.X = -1";
    }

    @Override
    public int running(Connection admin, String marker) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                + " WHERE SESSION_ID <> SESSION_ID() AND POSITION(?, EXECUTING_STATEMENT) > 0")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Drops the database. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            Database.execute(c, "SHUTDOWN");
        }
    }
}
