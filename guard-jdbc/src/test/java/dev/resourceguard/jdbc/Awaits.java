package dev.resourceguard.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.awaitility.core.ConditionFactory;

/** The kit's {@link dev.resourceguard.test.Awaits}, plus waits this module's tests share. */
final class Awaits {
    private Awaits() {}

    static ConditionFactory await() {
        return dev.resourceguard.test.Awaits.await();
    }

    static ConditionFactory await(String alias) {
        return dev.resourceguard.test.Awaits.await(alias);
    }

    /** Waits until the pool holds {@code size} connections, all idle. */
    static void poolFilled(HikariDataSource pool, int size) {
        await("pool " + pool.getPoolName() + " filled")
                .until(() -> pool.getHikariPoolMXBean().getTotalConnections() == size
                        && pool.getHikariPoolMXBean().getIdleConnections() == size);
    }
}
