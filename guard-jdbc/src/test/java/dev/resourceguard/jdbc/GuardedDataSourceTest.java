package dev.resourceguard.jdbc;

import static dev.resourceguard.jdbc.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardReport;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import dev.resourceguard.spi.ResourceKinds;
import dev.resourceguard.test.GuardExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbc.JdbcPreparedStatement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wrapper's contract on H2 behind HikariCP (and once without a pool): API, ownership, deadlines, limits. */
class GuardedDataSourceTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    private final Closer closer = new Closer();
    private final Events events = new Events();
    private H2Database database;
    private ResourceGuard guard;

    @BeforeEach
    void setUp(ResourceGuard guard) {
        this.guard = guard;
        guard.addListener(events);
        database = closer.add(new H2Database());
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.closeAll();
    }

    private HikariDataSource pool(String name, int size) {
        return closer.add(database.pool(name, size, Duration.ofSeconds(5)));
    }

    private GuardedDataSource wrap(javax.sql.DataSource dataSource, ResourceGuard guard, JdbcOptions options) {
        return closer.add(GuardedDataSource.wrap(dataSource, guard, options));
    }

    // ---- bad input

    @Test
    void wrapRejectsBadInputNamingIt() {
        HikariDataSource pool = pool("input", 1);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> GuardedDataSource.wrap(null, guard));
        assertEquals("dataSource", npe.getMessage());
        assertEquals(
                "guard",
                assertThrows(NullPointerException.class, () -> GuardedDataSource.wrap(pool, null))
                        .getMessage());
        assertEquals(
                "options",
                assertThrows(NullPointerException.class, () -> GuardedDataSource.wrap(pool, guard, null))
                        .getMessage());

        GuardedDataSource db = wrap(pool, guard, JdbcOptions.defaults());
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> GuardedDataSource.wrap(db, guard));
        assertTrue(twice.getMessage().startsWith("dataSource is already a GuardedDataSource"), twice::getMessage);

        IllegalArgumentException hold = assertThrows(
                IllegalArgumentException.class,
                () -> GuardedDataSource.wrap(
                        pool,
                        guard,
                        JdbcOptions.builder()
                                .maxHoldTime(Duration.ofSeconds(30))
                                .build()));
        assertEquals(
                "maxHoldTime (PT30S) must be longer than the leak threshold (PT1M, the guard's leakThreshold; set"
                        + " JdbcOptions.leakThreshold or maxHoldTime), or zero to never reclaim by age",
                hold.getMessage());

        ResourceGuard closed = guards.newGuard();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GuardedDataSource.wrap(pool, closed));
        assertEquals("guard '" + closed.config().name() + "' is closed", e.getMessage());
    }

    // ---- ownership and the report

    @Test
    void connectionBelongsToTheTaskAndStatementsAreNotHandlesByDefault() throws Exception {
        GuardedDataSource db = wrap(pool("owned", 2), guard, JdbcOptions.defaults());

        guard.runTask("owner", Duration.ofSeconds(10), () -> {
            HandleView task = guard.currentOwner().orElseThrow();
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                HandleView connection = db.openConnections().get(0);
                assertEquals(Optional.of(task.id()), connection.owner().map(HandleView::id));
                assertTrue(connection.children().isEmpty());
                assertEquals(1, open(guard.report(), ResourceKinds.CONNECTION));
                assertEquals(0, open(guard.report(), ResourceKinds.STATEMENT));
                ps.executeQuery().close();
            }
            return null;
        });
        assertEquals(0, open(guard.report(), ResourceKinds.CONNECTION));
    }

    @Test
    void withStatementHandlesStatementsAreChildrenOfTheirConnection() throws Exception {
        HikariDataSource pool = pool("owned", 2);
        GuardedDataSource db =
                wrap(pool, guard, JdbcOptions.builder().statementHandles(true).build());

        guard.runTask("owner", Duration.ofSeconds(10), () -> {
            HandleView task = guard.currentOwner().orElseThrow();
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                HandleView connection = db.openConnections().get(0);
                assertEquals(ResourceKinds.CONNECTION, connection.kind());
                assertEquals("owned", connection.name());
                assertEquals(Optional.of(task.id()), connection.owner().map(HandleView::id));
                List<HandleView> statements = connection.children();
                assertEquals(1, statements.size());
                assertEquals(ResourceKinds.STATEMENT, statements.get(0).kind());

                GuardReport report = guard.report();
                assertEquals(1, open(report, ResourceKinds.CONNECTION));
                assertEquals(1, open(report, ResourceKinds.STATEMENT));
                ps.executeQuery().close();
            }
            return null;
        });

        GuardReport report = guard.report();
        assertEquals(0, open(report, ResourceKinds.CONNECTION));
        assertEquals(0, open(report, ResourceKinds.STATEMENT));
        assertTrue(events.all().isEmpty(), () -> "events: " + events.all());
    }

    private static long open(GuardReport report, String kind) {
        return report.kinds().stream()
                .filter(k -> k.kind().equals(kind))
                .mapToLong(GuardReport.KindSummary::open)
                .sum();
    }

    @ParameterizedTest(name = "statementHandles={0}")
    @ValueSource(booleans = {false, true})
    void closingAConnectionClosesItsStatementsWithoutLeakReports(boolean statementHandles) throws Exception {
        GuardedDataSource db = wrap(
                pool("statements", 1),
                guard,
                JdbcOptions.builder().statementHandles(statementHandles).build());
        Connection c = db.getConnection();
        Statement plain = c.createStatement();
        PreparedStatement prepared = c.prepareStatement("SELECT 1");
        prepared.executeQuery();
        Statement callable = c.prepareCall("CALL 1");
        assertSame(c, plain.getConnection());
        assertSame(c, prepared.getConnection());

        c.close();

        assertTrue(c.isClosed() && plain.isClosed() && prepared.isClosed() && callable.isClosed());
        assertTrue(guard.openHandles().isEmpty(), () -> "open: " + guard.openHandles());
        assertTrue(events.all().isEmpty(), () -> "events: " + events.all());
        SQLException closed = assertThrows(SQLException.class, prepared::executeQuery);
        if (statementHandles) {
            assertTrue(closed.getMessage().endsWith(" is closed (cause=COMPLETED)"), closed::getMessage);
        }
        c.close(); // idempotent
        prepared.close();
    }

    // ---- deadlines

    @Test
    @SuppressWarnings("try") // the scope is entered for its effect
    void deadlineBecomesTheQueryTimeoutRoundedUp() throws Exception {
        GuardedDataSource db = wrap(pool("timeout", 1), guard, JdbcOptions.defaults());
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            JdbcPreparedStatement driver = ps.unwrap(JdbcPreparedStatement.class);

            var task = guard.openTask("deadline", Duration.ofMillis(2900));
            try (Scope ignored = task.enter()) {
                ps.executeQuery().close();
                assertEquals(3, driver.getQueryTimeout(), "less than 2.9 s (and more than 2 s) left, rounded up");
                assertEquals(0, ps.getQueryTimeout(), "the user's value");

                ps.setQueryTimeout(1);
                ps.executeQuery().close();
                assertEquals(1, driver.getQueryTimeout(), "the user's shorter timeout wins");
                ps.setQueryTimeout(0);
            } finally {
                task.close();
            }

            ps.executeQuery().close();
            assertEquals(0, driver.getQueryTimeout(), "restored outside the task");
            assertEquals(0, ps.getQueryTimeout());
        }
    }

    @Test
    void afterItsTaskIsCancelledAConnectionNeitherRunsNorCommitsAndIsRolledBack() throws Exception {
        HikariDataSource pool = pool("cancelled", 2);
        GuardedDataSource db = wrap(pool, guard, JdbcOptions.defaults());
        String table = GuardedDataSourceScenarios.table(pool, "cancelled");
        CompletableFuture<List<SQLException>> refused = new CompletableFuture<>();

        CompletableFuture<Void> task = CompletableFuture.runAsync(
                () -> {
                    try {
                        guard.runTask("slow", Duration.ofMillis(200), () -> {
                            HandleView self = guard.currentOwner().orElseThrow();
                            try (Connection c = db.getConnection();
                                    Statement s = c.createStatement()) {
                                c.setAutoCommit(false);
                                s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
                                try {
                                    new CountDownLatch(1).await(); // slow non-JDBC work, until the guard interrupts it
                                } catch (InterruptedException expected) {
                                    assertEquals(HandleState.CANCELLING, self.state());
                                }
                                SQLException run = assertThrows(
                                        SQLException.class,
                                        () -> s.executeUpdate("INSERT INTO " + table + " VALUES (2)"));
                                SQLException commit = assertThrows(SQLException.class, c::commit);
                                refused.complete(List.of(run, commit));
                            } catch (Throwable t) {
                                refused.completeExceptionally(t);
                                throw t;
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                r -> new Thread(r, "cancelled-task").start());

        Exception e = assertThrows(Exception.class, () -> task.get(10, TimeUnit.SECONDS));
        assertInstanceOf(DeadlineExceededException.class, e.getCause().getCause(), e::toString);
        List<SQLException> failures = refused.get(1, TimeUnit.SECONDS);
        for (SQLException f : failures) {
            assertInstanceOf(SQLTimeoutException.class, f);
            assertEquals("57014", f.getSQLState());
        }
        assertTrue(
                failures.get(0).getMessage().contains("is past its deadline (cause=TIMED_OUT); not executing"),
                failures.get(0)::getMessage);
        assertTrue(failures.get(1).getMessage().contains("commit refused"), failures.get(1)::getMessage);
        assertEquals(0, GuardedDataSourceScenarios.rows(pool, table), "rolled back, never committed");
        GuardedDataSourceScenarios.awaitPoolIdle(pool, 2);
    }

    // ---- limits and pool

    @Test
    void quotaBoundsOpenConnections() throws Exception {
        ResourceGuard limited =
                guards.newGuard(b -> b.quota(ResourceKinds.CONNECTION, 1).acquireTimeout(Duration.ofMillis(100)));
        GuardedDataSource db = wrap(pool("quota", 2), limited, JdbcOptions.defaults());
        try (Connection first = db.getConnection()) {
            SQLTransientConnectionException e = assertThrows(SQLTransientConnectionException.class, db::getConnection);
            assertTrue(e.getMessage().contains("connection quota of 1 reached"), e::getMessage);
            assertInstanceOf(QuotaExceededException.class, e.getCause());
            assertFalse(first.isClosed());
        }
        try (Connection again = db.getConnection()) {
            assertFalse(again.isClosed());
        }
    }

    @Test
    void poolTimeoutNamesTheOldestHolders() throws Exception {
        HikariDataSource pool = closer.add(database.pool("tiny", 1, Duration.ofMillis(250)));
        GuardedDataSource db = wrap(pool, guard, JdbcOptions.defaults());
        try (Connection held = db.getConnection()) {
            SQLTransientConnectionException e = assertThrows(SQLTransientConnectionException.class, db::getConnection);
            assertTrue(
                    e.getMessage()
                            .contains("guard '" + guard.config().name()
                                    + "': 1 connection(s) of 'tiny' open, oldest: connection 'tiny' #"),
                    e::getMessage);
            assertTrue(e.getMessage().contains("pool tiny: active=1"), e::getMessage);
            assertNotNull(e.getCause());
            assertFalse(held.isClosed());
        }
    }

    @Test
    void poolStatsComeFromHikari() throws Exception {
        GuardedDataSource db = wrap(pool("stats", 2), guard, JdbcOptions.defaults());
        assertEquals(new PoolStats("stats", 0, 2, 0, 2, 2), db.poolStats().orElseThrow());
        try (Connection c = db.getConnection()) {
            assertFalse(c.isClosed());
            assertEquals(1, db.poolStats().orElseThrow().active());
            assertEquals(
                    "GuardedDataSource['stats', guard '" + guard.config().name()
                            + "', 1 open, stats: active=1, idle=1, waiting=0, total=2/2]",
                    db.toString());
            GuardReport.Section section = guard.report().sections().stream()
                    .filter(x -> x.name().equals("jdbc pool 'stats'"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(guard.report().toText()));
            assertEquals(Map.of("active", 1, "idle", 1, "waiting", 0, "total", 2, "max", 2), section.values());
            assertTrue(
                    guard.report()
                            .toText()
                            .contains("jdbc pool 'stats': active=1, idle=1, waiting=0, total=2, max=2\n"),
                    guard.report().toText());
        }
        db.close();
        assertTrue(
                guard.report().sections().stream().noneMatch(x -> x.name().equals("jdbc pool 'stats'")),
                "a closed wrapper adds nothing to reports");
    }

    @Test
    void unwrapReachesThePoolAndTheDriver() throws Exception {
        HikariDataSource pool = pool("unwrap", 1);
        GuardedDataSource db = wrap(pool, guard, JdbcOptions.defaults());
        assertSame(pool, db.unwrap(HikariDataSource.class));
        assertSame(db, db.unwrap(GuardedDataSource.class));
        assertTrue(db.isWrapperFor(HikariDataSource.class));
        assertFalse(db.isWrapperFor(String.class));
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertNotNull(c.unwrap(JdbcConnection.class));
            assertTrue(c.isWrapperFor(JdbcConnection.class));
            assertSame(c, c.unwrap(Connection.class));
            assertNotNull(ps.unwrap(JdbcPreparedStatement.class));
            assertSame(ps, ps.unwrap(PreparedStatement.class));
            assertThrows(SQLException.class, () -> c.unwrap(String.class));
        }
    }

    @Test
    void plainDriverDataSourceIsTrackedAndItsLeakRolledBack() throws Exception {
        JdbcDataSource driver = new JdbcDataSource();
        driver.setURL(database.jdbcUrl());
        driver.setUser("sa");
        GuardedDataSource db =
                wrap(driver, guard, JdbcOptions.builder().name("plain").build());
        assertEquals("plain", db.name());
        assertEquals(Optional.empty(), db.poolStats());
        assertEquals("jdbc", wrap(driver, guard, JdbcOptions.defaults()).name());
        String table = GuardedDataSourceScenarios.table(db, "plain");
        Connection[] leaked = new Connection[1];

        guard.runTask("leaky", Duration.ofSeconds(5), () -> {
            leaked[0] = db.getConnection();
            leaked[0].setAutoCommit(false);
            Database.execute(leaked[0], "INSERT INTO " + table + " VALUES (1)");
            return null;
        });

        assertTrue(leaked[0].unwrap(JdbcConnection.class).isClosed(), "the driver's connection is closed");
        assertEquals(0, GuardedDataSourceScenarios.rows(db, table), "rolled back");
        assertEquals(1, events.count(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION));
    }

    @Test
    void abortByTheUserEvictsTheConnection() throws Exception {
        HikariDataSource pool = pool("abort", 2);
        GuardedDataSource db = wrap(pool, guard, JdbcOptions.defaults());
        Connection c = db.getConnection();
        c.abort(Runnable::run);
        assertTrue(c.isClosed());
        assertTrue(db.openConnections().isEmpty());
        c.close();
        await("the pool replaced the aborted connection")
                .until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 2
                        && pool.getHikariPoolMXBean().getIdleConnections() == 2);
        assertThrows(SQLException.class, () -> c.abort(null));
    }

    // ---- reclaim

    @Test
    void connectionOfRunningWorkIsNotReclaimedEvenPastItsMaximumHoldTime() throws Exception {
        GuardedDataSource db = wrap(
                pool("running", 1),
                guard,
                JdbcOptions.builder()
                        .leakThreshold(Duration.ZERO)
                        .maxHoldTime(Duration.ofMillis(100))
                        .reclaimIdleTime(Duration.ofMillis(50))
                        .reclaimCheckInterval(Duration.ofMillis(10))
                        .build());
        guard.runTask("long-held", Duration.ofSeconds(10), () -> {
            try (Connection c = db.getConnection()) {
                HandleView connection = db.openConnections().get(0);
                // Idle, past the maximum hold time and the reclaim idle time, while the task runs.
                await().until(() -> connection.age().toMillis() >= 400);
                assertEquals(0, db.reclaimAbandoned());
                assertFalse(c.isClosed());
                assertEquals(1, Database.count(c, "SELECT 1"));
            }
            return null;
        });
        assertTrue(events.all().isEmpty(), () -> "events: " + events.all());
    }

    @Test
    void reclaimAbandonedReclaimsNow() throws Exception {
        HikariDataSource pool = pool("manual", 1);
        GuardedDataSource db = wrap(
                pool,
                guard,
                JdbcOptions.builder()
                        .leakThreshold(Duration.ZERO)
                        .maxHoldTime(Duration.ofMillis(50))
                        .reclaimIdleTime(Duration.ofMillis(50))
                        .reclaimCheckInterval(Duration.ofHours(1))
                        .build());
        Connection abandoned = db.getConnection();
        HandleView handle = db.openConnections().get(0);
        await().until(() -> handle.idleTime().toMillis() >= 60);

        assertEquals(1, db.reclaimAbandoned());

        assertTrue(abandoned.isClosed());
        assertEquals(HandleState.CLOSED, handle.state());
        abandoned.close(); // no error: the guard has closed it
        GuardedDataSourceScenarios.awaitPoolIdle(pool, 1);
        assertEquals(1, events.count(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION));
    }

    // ---- life cycle

    @Test
    void closingTheWrapperStopsItsThreadAndRefusesConnections() throws Exception {
        GuardedDataSource db = wrap(pool("closing", 1), guard, JdbcOptions.defaults());
        String thread = "resourceguard-" + guard.config().name() + "-jdbc-closing";
        assertTrue(threadAlive(thread), "the reclaim thread runs");
        db.close();
        assertTrue(db.isClosed());
        await().until(() -> !threadAlive(thread));
        SQLNonTransientConnectionException e =
                assertThrows(SQLNonTransientConnectionException.class, db::getConnection);
        assertEquals("08003", e.getSQLState());
        db.close(); // idempotent
    }

    @Test
    void guardShutdownStopsTheThread() {
        ResourceGuard own = guards.newGuard();
        wrap(pool("shutdown", 1), own, JdbcOptions.defaults());
        String thread = "resourceguard-" + own.config().name() + "-jdbc-shutdown";
        assertTrue(threadAlive(thread));
        own.close();
        await().until(() -> !threadAlive(thread));
    }

    @Test
    void withoutReclaimThereIsNoThread() {
        wrap(
                pool("no-reclaim", 1),
                guard,
                JdbcOptions.builder().maxHoldTime(Duration.ZERO).build());
        assertFalse(threadAlive("resourceguard-" + guard.config().name() + "-jdbc-no-reclaim"));
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
