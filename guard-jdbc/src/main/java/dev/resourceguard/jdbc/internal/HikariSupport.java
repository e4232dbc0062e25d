package dev.resourceguard.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.resourceguard.jdbc.PoolStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link PoolSupport} for HikariCP. Loaded only when HikariCP is on the class path. */
final class HikariSupport implements PoolSupport {
    private final HikariDataSource pool;

    private HikariSupport(HikariDataSource pool) {
        this.pool = pool;
    }

    /** The support for {@code dataSource} if it is or wraps a {@code HikariDataSource}, else {@code null}. */
    static PoolSupport of(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari) {
            return new HikariSupport(hikari);
        }
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                return new HikariSupport(dataSource.unwrap(HikariDataSource.class));
            }
        } catch (SQLException | RuntimeException e) {
            // a wrapper that cannot answer is treated as an unknown pool
        }
        return null;
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(pool.getPoolName());
    }

    @Override
    public Optional<PoolStats> stats() {
        HikariPoolMXBean mx = pool.isClosed() ? null : pool.getHikariPoolMXBean();
        if (mx == null) {
            return Optional.empty(); // not started yet (lazy pool) or closed
        }
        return Optional.of(new PoolStats(
                String.valueOf(pool.getPoolName()),
                mx.getActiveConnections(),
                mx.getIdleConnections(),
                mx.getThreadsAwaitingConnection(),
                mx.getTotalConnections(),
                pool.getMaximumPoolSize()));
    }

    @Override
    public boolean evict(Connection connection) {
        if (pool.isClosed()) {
            return false;
        }
        // Removes the entry from the pool now and closes the physical connection on HikariCP's own closer
        // thread, so this never blocks on a connection busy with a query.
        pool.evictConnection(connection);
        return true;
    }

    @Override
    public String toString() {
        return "HikariCP " + pool.getPoolName();
    }
}
