package dev.resourceguard.jdbc;

import org.junit.jupiter.api.BeforeEach;

/** The scenarios on H2 in memory behind HikariCP; the long query is an endless cross join. */
class H2ScenariosTest extends GuardedDataSourceScenarios {
    private H2Database database;

    @BeforeEach
    void createDatabase() {
        database = closer.add(new H2Database());
    }

    @Override
    Database database() {
        return database;
    }
}
