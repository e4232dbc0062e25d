package dev.resourceguard.jdbc;

import static dev.resourceguard.jdbc.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ResourceKinds;
import dev.resourceguard.test.GuardExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios, run against a real database behind HikariCP: H2 in {@link H2ScenariosTest},
 * PostgreSQL in {@link PostgresScenariosIT}. Each test gets its own guard (the kit's extension fails a test
 * that leaves handles open or guard threads running), its own pool and table, and closes them.
 */
abstract class GuardedDataSourceScenarios {

    private static final AtomicInteger TABLES = new AtomicInteger();

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    final Closer closer = new Closer();
    final Events events = new Events();
    ResourceGuard guard;

    abstract Database database();

    /** The options every scenario starts from; a subclass runs the scenarios with statement handles. */
    JdbcOptions.Builder options() {
        return JdbcOptions.builder();
    }

    @BeforeEach
    void setUpGuard(ResourceGuard guard) {
        this.guard = guard;
        guard.addListener(events);
    }

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        closer.closeAll();
    }

    HikariDataSource pool(String name, int size, Duration connectionTimeout) {
        return closer.add(database().pool(name, size, connectionTimeout));
    }

    GuardedDataSource wrap(DataSource dataSource, JdbcOptions options) {
        return closer.add(GuardedDataSource.wrap(dataSource, guard, options));
    }

    /** A new table {@code (id INT PRIMARY KEY)}. */
    static String table(DataSource dataSource, String prefix) throws SQLException {
        String name = prefix + "_" + TABLES.incrementAndGet();
        try (Connection c = dataSource.getConnection()) {
            Database.execute(c, "CREATE TABLE " + name + " (id INT PRIMARY KEY)");
        }
        return name;
    }

    static int rows(DataSource dataSource, String table) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Database.count(c, "SELECT COUNT(*) FROM " + table);
        }
    }

    static void awaitPoolIdle(HikariDataSource pool, int size) {
        await("all connections back in " + pool.getPoolName())
                .until(() -> pool.getHikariPoolMXBean().getActiveConnections() == 0
                        && pool.getHikariPoolMXBean().getIdleConnections() == size);
    }

    /** Whether the event's allocation site shows the scenario that opened the handle. */
    static boolean openedHere(GuardEvent event) {
        return event.allocationSite()
                .map(site -> Arrays.stream(site.getStackTrace())
                        .anyMatch(f -> f.getClassName().startsWith(GuardedDataSourceScenarios.class.getName())))
                .orElse(false);
    }

    @Test
    void deadlineCancelsTheRunningQueryAndReturnsTheConnection() throws Exception {
        HikariDataSource pool = pool("cancel", 2, Duration.ofSeconds(5));
        GuardedDataSource db = wrap(pool, options().build());

        long start = System.nanoTime();
        DeadlineExceededException e = assertThrows(
                DeadlineExceededException.class,
                () -> guard.runTask("slow-report", Duration.ofMillis(500), () -> {
                    try (Connection c = db.getConnection();
                            Statement s = c.createStatement()) {
                        s.execute(database().longQuery());
                    }
                    return null;
                }));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        SQLException cancelled = assertInstanceOf(SQLException.class, e.getCause(), () -> "cause of " + e);
        assertEquals("57014", cancelled.getSQLState(), cancelled::toString);
        assertTrue(tookMillis >= 450 && tookMillis < 1500, "took " + tookMillis + " ms");
        System.out.printf(
                "%s: query cancelled %d ms after the start of a 500 ms task%n",
                getClass().getSimpleName(), tookMillis);

        try (Connection admin = pool.getConnection()) {
            await("the server no longer runs the query")
                    .until(() -> database().running(admin, database().longQueryMarker()) == 0);
        }
        awaitPoolIdle(pool, 2);
        assertEquals(2, pool.getHikariPoolMXBean().getTotalConnections(), "no connection was evicted");
        assertTrue(db.openConnections().isEmpty(), () -> "open: " + db.openConnections());
        try (Connection c = db.getConnection()) {
            assertEquals(1, Database.count(c, "SELECT 1"), "the connection works again");
        }
    }

    @Test
    void leakedConnectionsOutsideTasksAreReportedReclaimedAndRolledBack() throws Exception {
        HikariDataSource pool = pool("leaks", 5, Duration.ofSeconds(30));
        String table = table(pool, "leaks");
        GuardedDataSource db = wrap(
                pool,
                options()
                        .leakThreshold(Duration.ofMillis(100))
                        .maxHoldTime(Duration.ofMillis(300))
                        .reclaimIdleTime(Duration.ofMillis(200))
                        .reclaimCheckInterval(Duration.ofMillis(50))
                        .build());
        List<Connection> leaked = new CopyOnWriteArrayList<>(); // held, so that only age reclaims them
        ExecutorService workers = Executors.newFixedThreadPool(10);
        closer.add(workers::shutdownNow);

        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int id = i;
            done.add(workers.submit(() -> {
                Connection c = db.getConnection();
                leaked.add(c);
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
                    ps.setInt(1, id);
                    ps.executeUpdate();
                }
                return null; // returns without commit or close: a leak holding an open transaction
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        await("all 50 reclaimed").until(() -> db.openConnections().isEmpty());
        awaitPoolIdle(pool, 5);
        assertEquals(0, rows(pool, table), "the reclaimed transactions were rolled back");
        assertTrue(leaked.stream().allMatch(this::isClosed), "every leaked connection is closed");
        List<GuardEvent> reclaimed = events.of(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION);
        assertEquals(50, reclaimed.size(), () -> "LEAKED events: " + reclaimed);
        assertTrue(reclaimed.stream().allMatch(ev -> openedHere(ev)), "each names where it was opened");
        List<GuardEvent> reported = events.of(GuardEvent.Type.LEAK_SUSPECTED, ResourceKinds.CONNECTION);
        assertEquals(50, reported.size(), "each reported past the leak threshold before it was reclaimed");
        assertTrue(reported.stream().allMatch(ev -> openedHere(ev)), "with its allocation site");
        assertEquals(0, events.count(GuardEvent.Type.LEAKED, ResourceKinds.STATEMENT), "statements were closed");
    }

    @Test
    void leakedConnectionsOfTasksAreReclaimedWhenTheTaskEnds() throws Exception {
        HikariDataSource pool = pool("task-leaks", 5, Duration.ofSeconds(30));
        String table = table(pool, "task_leaks");
        GuardedDataSource db = wrap(pool, options().build());
        ExecutorService workers = Executors.newFixedThreadPool(10);
        closer.add(workers::shutdownNow);

        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int id = i;
            done.add(workers.submit(() -> guard.runTask("leaky-" + id, Duration.ofSeconds(30), () -> {
                Connection c = db.getConnection();
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
                    ps.setInt(1, id);
                    ps.executeUpdate();
                }
                return null;
            })));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        await().until(() -> db.openConnections().isEmpty());
        awaitPoolIdle(pool, 5);
        assertEquals(0, rows(pool, table), "the leaked transactions were rolled back");
        List<GuardEvent> reclaimed = events.of(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION);
        assertEquals(50, reclaimed.size(), () -> "LEAKED events: " + reclaimed);
        assertTrue(reclaimed.stream().allMatch(ev -> openedHere(ev)), "each names where it was opened");
        assertTrue(reclaimed.stream().allMatch(ev -> ev.message().contains("still open when its owner task")));
    }

    @Test
    void busyTransactionIsNeverReclaimedAndCommits() throws Exception {
        HikariDataSource pool = pool("busy", 2, Duration.ofSeconds(5));
        String table = table(pool, "busy");
        GuardedDataSource db = wrap(
                pool,
                options()
                        .leakThreshold(Duration.ofMillis(200))
                        .maxHoldTime(Duration.ofMillis(400))
                        .reclaimIdleTime(Duration.ofMillis(500)) // five times the workload's pace
                        .reclaimCheckInterval(Duration.ofMillis(20))
                        .build());

        int inserted = 0;
        long start = System.nanoTime();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)) {
                    ps.setInt(1, inserted++);
                    ps.executeUpdate();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the workload's pace
                }
            }
            c.commit();
        }

        assertEquals(inserted, rows(pool, table), "every row committed");
        assertTrue(inserted >= 10, "inserted " + inserted);
        assertEquals(0, events.count(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION), () -> "" + events.all());
        assertEquals(1, events.count(GuardEvent.Type.LEAK_SUSPECTED, ResourceKinds.CONNECTION), "reported once");
        assertEquals(1, events.count(GuardEvent.Type.LEAK_RETURNED, ResourceKinds.CONNECTION), "and its return");
        awaitPoolIdle(pool, 2);
    }

    @Test
    void statementThrowingInTryWithResourcesLeavesNothingOpen() throws Exception {
        HikariDataSource pool = pool("failing", 2, Duration.ofSeconds(5));
        GuardedDataSource db = wrap(pool, options().build());

        assertThrows(SQLException.class, () -> {
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                s.executeQuery("SELECT * FROM no_such_table");
            }
        });
        assertThrows(SQLException.class, () -> {
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table WHERE id = ?")) {
                ps.setInt(1, 1);
                ps.executeQuery();
            }
        });
        assertThrows(
                SQLException.class,
                () -> guard.runTask("failing-task", Duration.ofSeconds(5), () -> {
                    try (Connection c = db.getConnection();
                            Statement s = c.createStatement()) {
                        return s.executeUpdate("UPDATE no_such_table SET id = 1");
                    }
                }));

        assertTrue(guard.openHandles().isEmpty(), () -> "open: " + guard.openHandles());
        awaitPoolIdle(pool, 2);
        assertEquals(0, events.count(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION));
        assertEquals(0, events.count(GuardEvent.Type.LEAKED, ResourceKinds.STATEMENT));
    }

    @Test
    void droppedConnectionIsRolledBackAndClosedWhenCollected() throws Exception {
        HikariDataSource pool = pool("dropped", 2, Duration.ofSeconds(5));
        String table = table(pool, "dropped");
        GuardedDataSource db = wrap(pool, options().build());

        insertAndDrop(db, table);

        await("the dropped connection is collected and closed")
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    System.gc();
                    return events.count(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION) == 1;
                });
        GuardEvent leak =
                events.of(GuardEvent.Type.LEAKED, ResourceKinds.CONNECTION).get(0);
        assertTrue(leak.message().contains("garbage collected"), leak::message);
        assertTrue(openedHere(leak), "names where it was opened");
        awaitPoolIdle(pool, 2);
        assertEquals(0, rows(pool, table), "its open transaction was rolled back");
        assertTrue(db.openConnections().isEmpty());
    }

    private static void insertAndDrop(DataSource db, String table) throws SQLException {
        Connection c = db.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
        }
    }

    @Test
    void guardShutdownStopsARunningQueryAndThePoolRecovers() throws Exception {
        HikariDataSource pool = pool("shutdown", 2, Duration.ofSeconds(5));
        ResourceGuard own = guards.newGuard();
        GuardedDataSource db =
                closer.add(GuardedDataSource.wrap(pool, own, options().build()));
        CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(
                () -> {
                    try (Connection c = db.getConnection();
                            Statement s = c.createStatement()) {
                        s.execute(database().longQuery());
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                },
                r -> new Thread(r, "long-query").start());
        try (Connection admin = pool.getConnection()) {
            await("the query runs")
                    .until(() -> database().running(admin, database().longQueryMarker()) == 1);
        }

        long start = System.nanoTime();
        ResourceGuard.ShutdownReport report = own.shutdown();
        SQLException failure = outcome.get(10, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(report.isClean(), report::toString);
        assertNotNull(failure, "the query failed");
        assertTrue(tookMillis < 1500, "took " + tookMillis + " ms");
        System.out.printf(
                "%s: shutdown stopped the query in %d ms (%s)%n",
                getClass().getSimpleName(), tookMillis, failure.getSQLState());
        try (Connection admin = pool.getConnection()) {
            await("the server no longer runs the query")
                    .until(() -> database().running(admin, database().longQueryMarker()) == 0);
        }
        awaitPoolIdle(pool, 2);
        assertFalse(db.openConnections().iterator().hasNext());
    }

    private boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
