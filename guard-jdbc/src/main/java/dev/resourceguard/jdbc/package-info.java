/**
 * Wraps any {@link javax.sql.DataSource} so that a {@link dev.resourceguard.ResourceGuard} tracks its
 * connections and statements: {@link dev.resourceguard.jdbc.GuardedDataSource#wrap}. Deadlines become query
 * timeouts and {@code Statement.cancel()}, forced closes roll back and never commit, abandoned connections
 * are reported and reclaimed without taking a working transaction away.
 */
package dev.resourceguard.jdbc;
