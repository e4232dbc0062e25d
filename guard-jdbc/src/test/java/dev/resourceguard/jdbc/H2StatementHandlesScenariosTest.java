package dev.resourceguard.jdbc;

/** The scenarios on H2 with each statement a handle of its own, cancelled by its own cancel action. */
class H2StatementHandlesScenariosTest extends H2ScenariosTest {
    @Override
    JdbcOptions.Builder options() {
        return JdbcOptions.builder().statementHandles(true);
    }
}
