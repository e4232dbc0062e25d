package dev.resourceguard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.jdbc.GuardedDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HikariCP on an in-memory H2 database: raw, and wrapped by the guard with its leak detection on (the
 * default: a leak threshold, sampled allocation sites, reachability tracking). Two operations, each at
 * 1 and 2 threads: {@code getConnection()+close()}, and {@code prepareStatement+executeQuery+close} of a
 * trivial query on a held connection. Targets: ≤ 1.5× and ≤ 1.10× raw.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JdbcBenchmark {

    @Param({"raw", "guarded"})
    public String variant;

    private HikariDataSource hikari;
    private ResourceGuard guard;
    private GuardedDataSource guarded;
    DataSource dataSource;

    @Setup(Level.Trial)
    public void setUp() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        c.setMaximumPoolSize(4);
        c.setMinimumIdle(4);
        c.setPoolName("bench");
        hikari = new HikariDataSource(c);
        if (variant.equals("guarded")) {
            guard = ResourceGuard.create(GuardConfig.builder()
                    .name("bench-jdbc")
                    .allocationSites(dev.resourceguard.AllocationSites.valueOf(System.getProperty("sites", "SAMPLED")))
                    .build());
            guarded = GuardedDataSource.wrap(hikari, guard);
            dataSource = guarded;
        } else {
            dataSource = hikari;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (guarded != null) {
            guarded.close();
        }
        if (guard != null) {
            guard.close();
        }
        hikari.close();
    }

    /** A connection held by each benchmark thread for the statement benchmarks. */
    @State(Scope.Thread)
    public static class Held {
        Connection connection;

        @Setup(Level.Trial)
        public void open(JdbcBenchmark b) throws SQLException {
            connection = b.dataSource.getConnection();
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }
    }

    @Benchmark
    @Threads(1)
    public boolean getConnectionClose1() throws SQLException {
        return getConnectionClose();
    }

    @Benchmark
    @Threads(2)
    public boolean getConnectionClose2() throws SQLException {
        return getConnectionClose();
    }

    private boolean getConnectionClose() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit();
        }
    }

    @Benchmark
    @Threads(1)
    public int prepareExecuteClose1(Held held) throws SQLException {
        return prepareExecuteClose(held.connection);
    }

    @Benchmark
    @Threads(2)
    public int prepareExecuteClose2(Held held) throws SQLException {
        return prepareExecuteClose(held.connection);
    }

    private static int prepareExecuteClose(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
