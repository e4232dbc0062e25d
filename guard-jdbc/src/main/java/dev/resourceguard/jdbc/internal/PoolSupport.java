package dev.resourceguard.jdbc.internal;

import dev.resourceguard.jdbc.PoolStats;
import java.sql.Connection;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the adapter can ask of the pool behind a wrapped {@code DataSource}: its name, its counts, and to
 * evict a connection that must not be lent again. {@link #NONE} for a plain driver {@code DataSource} or an
 * unknown pool; {@link HikariSupport} when HikariCP is on the class path and the {@code DataSource} is (or
 * wraps) a {@code HikariDataSource}. HikariCP classes are touched only after they are known to be there,
 * so users without HikariCP never load them.
 */
public interface PoolSupport {

    PoolSupport NONE = new PoolSupport() {};

    /** The pool's name, if it has one yet. */
    default Optional<String> name() {
        return Optional.empty();
    }

    /** The pool's counts, if the pool is running. */
    default Optional<PoolStats> stats() {
        return Optional.empty();
    }

    /**
     * Makes sure the pool never lends {@code connection} (the pool's own connection object) again. Must not
     * block on the connection. Returns whether the pool did anything.
     */
    default boolean evict(Connection connection) {
        return false;
    }

    /** The support for {@code dataSource}'s pool. */
    static PoolSupport of(DataSource dataSource) {
        if (HikariPresence.PRESENT) {
            PoolSupport hikari = HikariSupport.of(dataSource);
            if (hikari != null) {
                return hikari;
            }
        }
        return NONE;
    }

    /** Whether HikariCP can be loaded, checked once. */
    final class HikariPresence {
        static final boolean PRESENT = present("com.zaxxer.hikari.HikariDataSource");

        private HikariPresence() {}

        private static boolean present(String className) {
            try {
                Class.forName(className, false, PoolSupport.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }
}
