package dev.resourceguard.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios on a real PostgreSQL (embedded, started for this class) behind HikariCP; the long query is
 * {@code pg_sleep(30)}, and {@code pg_stat_activity} shows whether the server still runs it.
 */
class PostgresScenariosIT extends GuardedDataSourceScenarios {

    @RegisterExtension
    static final PostgresServer SERVER = new PostgresServer();

    @Override
    Database database() {
        return SERVER;
    }
}
