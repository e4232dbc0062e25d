package dev.resourceguard.jdbc;

/**
 * The connection pool's own counts at one moment, as the pool reports them (HikariCP's {@code
 * HikariPoolMXBean}). The counts are read one after the other, so they need not add up exactly.
 *
 * @param poolName the pool's name
 * @param active connections lent out now
 * @param idle connections in the pool, ready to lend
 * @param waiting threads waiting for a connection
 * @param total connections the pool holds, active and idle
 * @param max the most connections the pool will hold
 */
public record PoolStats(String poolName, int active, int idle, int waiting, int total, int max) {

    @Override
    public String toString() {
        return poolName + ": active=" + active + ", idle=" + idle + ", waiting=" + waiting + ", total=" + total + "/"
                + max;
    }
}
