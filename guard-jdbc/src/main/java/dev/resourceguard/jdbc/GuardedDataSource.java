package dev.resourceguard.jdbc;

import dev.resourceguard.GuardReport;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.jdbc.internal.ConnectionTracker;
import dev.resourceguard.jdbc.internal.PoolSupport;
import dev.resourceguard.jdbc.internal.Reclaimer;
import dev.resourceguard.spi.ReportContributor;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections and statements are tracked by a {@link ResourceGuard}. Wraps any
 * {@code DataSource}: a pool (HikariCP first) or a plain driver one.
 *
 * <pre>{@code
 * DataSource db = GuardedDataSource.wrap(hikari, guard);
 * guard.runTask("report", Duration.ofSeconds(5), () -> {
 *     try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
 *         return read(ps.executeQuery());          // cancelled at the task's deadline
 *     }
 * });
 * }</pre>
 *
 * <p><b>What it does.</b>
 *
 * <ul>
 *   <li>Each connection is a handle of kind {@code connection} owned by the task running on the thread
 *       that opened it (if any), so a guard quota {@code quota("connection", n)} bounds them and the report
 *       counts them. Statements, prepared and callable statements are tracked through their connection
 *       (or, with {@link JdbcOptions#statementHandles()}, as child handles of it); result sets close with
 *       their statement.
 *   <li><b>Deadlines.</b> A statement executed by a task with a deadline gets a query timeout of at most
 *       the time left (rounded up to whole seconds), and at the exact deadline the guard calls {@link
 *       java.sql.Statement#cancel()} on it before it interrupts the task's thread — an interrupt does
 *       nothing to a running query. Once the task is past its deadline or cancelled, its connections run no
 *       more statements and refuse to commit.
 *   <li><b>Forced close</b> (deadline escalation, leak, shutdown): roll back any open transaction, then
 *       close, so the pool gets a clean connection back; if a statement is still running, abort the
 *       connection and have the pool evict it instead. Never commit.
 *   <li><b>Leaks.</b> A connection held past the leak threshold is reported once with where it was opened;
 *       it is reclaimed (rolled back and closed) only after the longer maximum hold time, when idle and not
 *       owned by running work, so a long transaction that keeps working is never taken away (see {@link
 *       JdbcOptions}). A connection still open when its task ends is closed as leaked at once, and one that
 *       is dropped while open is rolled back and closed once the garbage collector notices.
 *   <li>When the wrapped {@code DataSource} is (or wraps) a {@code HikariDataSource}, {@link #poolStats()}
 *       gives the pool's active, idle and waiting counts (also a section of the guard's reports while the
 *       wrapper is open), and a pool timeout names the oldest holders.
 * </ul>
 *
 * <p><b>Cost.</b> No lock on the way to the driver. Opening a connection tracks a handle (the guard's
 * cost, most of the total) and allocates a lease and a proxy; a statement allocates its proxy; an execution
 * reads a thread-local and updates one counter twice, and outside a task allocates nothing. With statement
 * handles, each statement also tracks a handle and takes two uncontended monitors.
 *
 * <p>{@link #wrap} returns this class rather than a bare {@code DataSource} so that the code that owns the
 * wrapper can {@link #close()} it and read {@link #poolStats()}; hand it on as a {@code DataSource}.
 *
 * <p><b>Life cycle.</b> A wrapper with age-based reclaim (the default) runs one daemon thread, {@code
 * resourceguard-<guard>-jdbc-<name>}, until {@link #close()} or until its guard closes. Closing the wrapper
 * does not close the wrapped {@code DataSource}, nor the connections still open (the guard keeps tracking
 * them). Thread-safe.
 */
public final class GuardedDataSource implements DataSource, AutoCloseable {

    private final DataSource delegate;
    private final ResourceGuard guard;
    private final JdbcOptions options;
    private final PoolSupport pool;
    private final ConnectionTracker tracker;
    private final Reclaimer reclaimer; // null without age-based reclaim
    private volatile boolean closed;
    /** Adds the pool's counts to the guard's reports while this wrapper is open (HikariCP only). */
    private final ReportContributor poolSection = this::poolSection;

    private GuardedDataSource(DataSource delegate, ResourceGuard guard, JdbcOptions options) {
        this.delegate = delegate;
        this.guard = guard;
        this.options = options;
        this.pool = PoolSupport.of(delegate);
        String name = options.name().or(pool::name).orElse("jdbc");
        this.tracker = new ConnectionTracker(
                delegate,
                guard,
                pool,
                name,
                options.leakThreshold().orElse(null),
                options.maxHoldTime(),
                options.reclaimIdleTime(),
                options.deadlineQueryTimeout(),
                options.statementHandles());
        boolean reclaim = !options.maxHoldTime().isZero();
        this.reclaimer = reclaim || guard.config().logResourceUsage()
                ? new Reclaimer(tracker, options.reclaimCheckInterval())
                : null;
    }

    /**
     * Wraps {@code dataSource} with the default {@link JdbcOptions}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the guard's leak threshold is not shorter than the default maximum
     *     hold time (15 min)
     * @throws IllegalStateException if the guard is closed
     */
    public static GuardedDataSource wrap(DataSource dataSource, ResourceGuard guard) {
        return wrap(dataSource, guard, JdbcOptions.defaults());
    }

    /**
     * Wraps {@code dataSource}. Wrapping a {@code GuardedDataSource} again is rejected: every connection would
     * be tracked twice.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code dataSource} is already guarded, or if the options' maximum
     *     hold time is not longer than the leak threshold in force (the guard's, unless the options set one)
     * @throws IllegalStateException if the guard is closed
     */
    public static GuardedDataSource wrap(DataSource dataSource, ResourceGuard guard, JdbcOptions options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(options, "options");
        if (dataSource instanceof GuardedDataSource) {
            throw new IllegalArgumentException("dataSource is already a GuardedDataSource: " + dataSource);
        }
        if (guard.isClosed()) {
            throw new IllegalStateException("guard '" + guard.config().name() + "' is closed");
        }
        if (options.leakThreshold().isEmpty()) {
            JdbcOptions.checkHoldAfterLeak(
                    options.maxHoldTime(),
                    guard.config().leakThreshold(),
                    "the guard's leakThreshold; set JdbcOptions.leakThreshold or maxHoldTime");
        }
        GuardedDataSource ds = new GuardedDataSource(dataSource, guard, options);
        if (ds.pool.stats().isPresent()) {
            guard.addReportContributor(ds.poolSection);
        }
        return ds;
    }

    /** {@code jdbc pool 'orders': active=3, idle=7, waiting=0, total=10, max=10}; none if the pool is gone. */
    private GuardReport.Section poolSection() {
        return pool.stats()
                .map(s -> {
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("active", s.active());
                    values.put("idle", s.idle());
                    values.put("waiting", s.waiting());
                    values.put("total", s.total());
                    values.put("max", s.max());
                    return new GuardReport.Section("jdbc pool '" + tracker.name() + "'", values);
                })
                .orElse(null);
    }

    /**
     * Borrows a connection from the wrapped {@code DataSource}, tracked as a handle owned by the calling
     * thread's current task. Waits for the guard's {@code connection} quota first, if one is configured.
     *
     * @throws java.sql.SQLTransientConnectionException if the quota stays full for the guard's acquire
     *     timeout, or the pool times out (the message then names the oldest holders)
     * @throws SQLNonTransientConnectionException if this wrapper or its guard is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return tracker.open(null, null, false);
    }

    /** As {@link #getConnection()}, with credentials. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        checkOpen();
        return tracker.open(username, password, true);
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException(this + " is closed", "08003");
        }
    }

    /** The guard that tracks the connections. */
    public ResourceGuard guard() {
        return guard;
    }

    /** The options in force. */
    public JdbcOptions options() {
        return options;
    }

    /** The name of the connection handles. */
    public String name() {
        return tracker.name();
    }

    /** The connections borrowed through this wrapper and not yet closed, oldest first. */
    public List<HandleView> openConnections() {
        return tracker.openConnections();
    }

    /**
     * The pool's own counts, when the wrapped {@code DataSource} is (or wraps) a running {@code
     * HikariDataSource}; empty otherwise.
     */
    public Optional<PoolStats> poolStats() {
        return pool.stats();
    }

    /**
     * Reclaims now what the periodic check would (see {@link JdbcOptions}); returns how many connections it
     * reclaimed. For operators and tests; the periodic check runs anyway.
     */
    public int reclaimAbandoned() {
        return tracker.reclaim();
    }

    /**
     * Stops the periodic check and refuses new connections. Does not close the wrapped {@code DataSource} or
     * the connections still open. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        guard.removeReportContributor(poolSection);
        if (reclaimer != null) {
            reclaimer.close();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ---- DataSource plumbing

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    /** Unwraps to this, to the wrapped {@code DataSource}, or to what it unwraps to. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    /** {@code GuardedDataSource['orders-db', guard 'app', 3 open, HikariPool-1: active=3, idle=2, ...]} */
    @Override
    public String toString() {
        return "GuardedDataSource['" + tracker.name() + "', guard '"
                + guard.config().name() + "', "
                + (closed ? "closed, " : "") + tracker.openConnections().size() + " open"
                + pool.stats().map(s -> ", " + s).orElse("") + "]";
    }
}
