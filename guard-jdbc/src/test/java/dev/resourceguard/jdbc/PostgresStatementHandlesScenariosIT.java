package dev.resourceguard.jdbc;

/** The scenarios on PostgreSQL with each statement a handle of its own, cancelled by its own cancel action. */
class PostgresStatementHandlesScenariosIT extends PostgresScenariosIT {
    @Override
    JdbcOptions.Builder options() {
        return JdbcOptions.builder().statementHandles(true);
    }
}
