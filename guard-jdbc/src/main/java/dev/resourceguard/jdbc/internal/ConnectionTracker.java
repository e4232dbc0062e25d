package dev.resourceguard.jdbc.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardClosedException;
import dev.resourceguard.GuardException;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleClosedException;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ResourceKinds;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks the connections of one wrapped {@code DataSource}: opens them as handles, applies deadlines to
 * queries, and reclaims abandoned connections.
 *
 * <p><b>Handles.</b> A connection is a handle of kind {@link ResourceKinds#CONNECTION} (so a guard quota
 * {@code quota("connection", n)} bounds it), a child of the task running on the thread that opened it. Its
 * resource is a {@link ConnectionLease}; the user holds a {@link TrackedConnection}, whose loss the guard's
 * reachability detector reports. The connection handle's cancel action cancels the statement running on
 * it, so cancelling the task cancels its query first and only then interrupts its thread (which a JDBC
 * driver ignores). With {@code statementHandles}, each statement is instead a handle of kind {@link
 * ResourceKinds#STATEMENT} of its own, moved under its connection's handle, with {@link Statement#cancel()}
 * as its cancel action: the report then lists statements, at the cost of a handle per statement.
 *
 * <p>Both kinds are protected from the guard's sweeps: a sweep closes a handle that was reported as a
 * suspected leak even while it works, and a long transaction that keeps working must never be taken away.
 * This tracker reclaims connections itself, and only idle ones (see {@link #reclaim()}).
 *
 * <p><b>Deadlines.</b> A statement executed on a thread whose current owner (or one of its owners) has a
 * deadline gets a query timeout of at most the time left, rounded up to whole seconds and at least one,
 * as a second line of defence: the guard cancels it at the exact deadline. Past the deadline, it does
 * not run at all.
 */
public final class ConnectionTracker {

    final Logger log = LoggerFactory.getLogger("dev.resourceguard.jdbc.GuardedDataSource");

    final ResourceGuard guard;
    final String guardName;
    final DataSource dataSource;
    final PoolSupport pool;
    final String name;
    final boolean deadlineQueryTimeout;
    final boolean statementHandles;
    private final HandleSpec<ConnectionLease> connectionSpec;
    private final HandleSpec<StatementLease> statementSpec;
    private final long maxHoldNanos;
    private final long reclaimIdleNanos;
    private final boolean trackFirst;

    /**
     * @param leakThreshold the connections' leak threshold, {@code null} for the guard's
     * @param maxHoldTime zero to never reclaim by age
     */
    public ConnectionTracker(
            DataSource dataSource,
            ResourceGuard guard,
            PoolSupport pool,
            String name,
            Duration leakThreshold,
            Duration maxHoldTime,
            Duration reclaimIdleTime,
            boolean deadlineQueryTimeout,
            boolean statementHandles) {
        this.dataSource = dataSource;
        this.guard = guard;
        this.guardName = guard.config().name();
        this.pool = pool;
        this.name = name;
        this.deadlineQueryTimeout = deadlineQueryTimeout;
        this.statementHandles = statementHandles;
        this.maxHoldNanos = nanos(maxHoldTime);
        this.reclaimIdleNanos = nanos(reclaimIdleTime);
        this.trackFirst = guard.config().quotas().containsKey(ResourceKinds.CONNECTION);
        HandleSpec.Builder<ConnectionLease> connection = HandleSpec.<ConnectionLease>builder(ResourceKinds.CONNECTION)
                .name(name)
                .protect(true)
                .onClose(ConnectionLease::release);
        if (leakThreshold != null) {
            connection.leakThreshold(leakThreshold);
        }
        if (!statementHandles) {
            connection.onCancel(ConnectionLease::cancelRunning);
        }
        this.connectionSpec = connection.build();
        this.statementSpec = HandleSpec.<StatementLease>builder(ResourceKinds.STATEMENT)
                .name(name)
                .leakThreshold(Duration.ZERO)
                .trackReachability(false)
                .protect(true)
                .onCancel(StatementLease::cancel)
                .onClose(StatementLease::release)
                .build();
    }

    /**
     * Borrows a connection from the wrapped {@code DataSource} and tracks it. Without a guard quota on
     * connections, the handle opens once the pool has lent the connection, so its age (for leak reports and
     * reclaim) is the time it is held. With a quota, it opens first: the thread waits for the guard's permit
     * before it takes a connection from the pool, and the age includes the wait for the pool.
     */
    public Connection open(String user, String password, boolean withCredentials) throws SQLException {
        ConnectionLease lease = new ConnectionLease(this);
        if (!trackFirst) {
            Connection physical = borrow(user, password, withCredentials);
            lease.lent(physical); // before tracking: from now on the close action gives it back
            TrackedConnection connection = new TrackedConnection(physical, lease, this);
            try {
                connection.handle = track(lease, connection); // the guard watches the user's object
            } catch (SQLException e) {
                lease.release(CloseCause.FAILED);
                throw e;
            }
            return connection;
        }
        Handle<ConnectionLease> handle = track(lease, null);
        Connection physical;
        try {
            physical = borrow(user, password, withCredentials);
        } catch (SQLException | RuntimeException | Error e) {
            handle.close(CloseCause.FAILED);
            throw e;
        }
        // A volatile store here: with the state read after it, one of this thread and a concurrent closer
        // (which moves the state, then reads the connection) sees the other.
        lease.physical = physical;
        if (handle.state() == HandleState.CLOSED) {
            // Closed while the pool was lending (guard shut down, owner ended): its close action found no
            // connection, so give this one back here.
            lease.release(handle.closeCause().orElse(CloseCause.SHUTDOWN));
            throw closedByGuard(handle);
        }
        return new TrackedConnection(physical, handle, lease, this);
    }

    private Connection borrow(String user, String password, boolean withCredentials) throws SQLException {
        Connection physical;
        try {
            physical = withCredentials ? dataSource.getConnection(user, password) : dataSource.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw poolExhausted(e);
        }
        if (physical == null) {
            throw new SQLException("the wrapped DataSource returned no connection (null): " + dataSource);
        }
        return physical;
    }

    /** Tracks {@code lease}; with a {@code holder}, the guard watches the holder's reachability. */
    private Handle<ConnectionLease> track(ConnectionLease lease, TrackedConnection holder) throws SQLException {
        try {
            return holder != null
                    ? guard.trackHeldBy(lease, connectionSpec, holder)
                    : guard.track(lease, connectionSpec);
        } catch (QuotaExceededException e) {
            throw new SQLTransientConnectionException(e.getMessage(), "08001", e);
        } catch (GuardClosedException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08003", e);
        } catch (GuardException e) {
            throw new SQLTransientConnectionException(e.getMessage(), "08001", e);
        }
    }

    /** Tracks a statement the driver just made, as a child of its connection; closes it if that fails. */
    StatementLease trackStatement(TrackedConnection owner, Statement raw) throws SQLException {
        StatementLease lease = new StatementLease(raw, owner.lease);
        Handle<StatementLease> handle;
        try {
            handle = guard.track(lease, statementSpec);
        } catch (GuardException e) {
            closeQuietly(raw);
            throw new SQLNonTransientConnectionException(e.getMessage(), "08003", e);
        }
        try {
            handle.transferTo(owner.handle);
        } catch (HandleClosedException e) {
            handle.close(CloseCause.FAILED);
            throw closedByGuard(owner.handle);
        }
        lease.handle = handle;
        owner.lease.link(lease);
        return lease;
    }

    /**
     * The time left before the earliest deadline of {@code owner} and its owners, in nanoseconds; {@link
     * Long#MAX_VALUE} if none has one.
     */
    static long remainingNanos(HandleView owner) {
        long min = Long.MAX_VALUE;
        for (HandleView h = owner; h != null; h = h.owner().orElse(null)) {
            Optional<Duration> r = h.remaining();
            if (r.isPresent()) {
                min = Math.min(min, nanos(r.get()));
            }
        }
        return min;
    }

    /** A query timeout in whole seconds covering {@code nanos}, rounded up, at least one. */
    static int timeoutSeconds(long nanos) {
        long seconds = nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
    }

    /**
     * Reclaims the connections that are abandoned: held longer than the maximum hold time, no statement
     * running, idle for the reclaim idle time, and not owned by running work (a task's connections are
     * reclaimed when the task ends). Closes them as {@link CloseCause#LEAKED}: rolled back, then given back
     * to the pool. Also marks connections that ran statements since the last check, or run one now, as
     * active ({@link Handle#touch()}): statements do not read the clock, so a connection's idle time is
     * known to the check interval. Returns how many it reclaimed.
     */
    public synchronized int reclaim() {
        int reclaimed = 0;
        for (Handle<ConnectionLease> h : guard.openHandles(connectionSpec)) {
            ConnectionLease lease = h.get();
            if (lease.physical == null) {
                continue; // still waiting for the pool
            }
            long finished = lease.finished();
            if (lease.executing() > 0 || finished != lease.finishedSeen) {
                lease.finishedSeen = finished;
                h.touch(); // statements ran since the last check: the connection is active
                continue;
            }
            if (maxHoldNanos == 0 || h.state() != HandleState.OPEN) {
                continue;
            }
            long age = nanos(h.age());
            long idle = nanos(h.idleTime());
            if (age >= maxHoldNanos && idle >= reclaimIdleNanos && !ownedByRunningWork(h)) {
                log.info(
                        "[{}] reclaiming {}: held {} ms (max hold {} ms), idle {} ms, no statement running;"
                                + " rolling back and closing it",
                        guardName,
                        h.describe(),
                        age / 1_000_000,
                        maxHoldNanos / 1_000_000,
                        idle / 1_000_000);
                lease.closeStatements();
                if (h.close(CloseCause.LEAKED)) {
                    reclaimed++;
                }
            }
        }
        return reclaimed;
    }

    private static boolean ownedByRunningWork(HandleView h) {
        for (HandleView o = h.owner().orElse(null); o != null; o = o.owner().orElse(null)) {
            if (o.runner().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The name of the connection handles. */
    public String name() {
        return name;
    }

    /** The open connections of this data source, oldest first. */
    public List<HandleView> openConnections() {
        return new ArrayList<>(guard.openHandles(connectionSpec));
    }

    /** "3 connection(s) open, oldest: connection 'db' #4 held 93 s by task 'crawl' #2, ...; pool: ..." */
    public String describeHolders(int max) {
        List<Handle<ConnectionLease>> open = guard.openHandles(connectionSpec);
        StringBuilder sb = new StringBuilder()
                .append("guard '")
                .append(guardName)
                .append("': ")
                .append(open.size())
                .append(" connection(s) of '")
                .append(name)
                .append("' open");
        for (int i = 0; i < open.size() && i < max; i++) {
            Handle<ConnectionLease> h = open.get(i);
            sb.append(i == 0 ? ", oldest: " : ", ")
                    .append(h.describe())
                    .append(" held ")
                    .append(h.age().toMillis())
                    .append(" ms")
                    .append(h.owner().map(o -> " by " + o.describe()).orElse(""))
                    .append(h.get().executing() > 0 ? " (running a statement)" : "");
        }
        pool.stats().ifPresent(s -> sb.append("; pool ").append(s));
        return sb.toString();
    }

    private SQLTransientConnectionException poolExhausted(SQLTransientConnectionException e) {
        return new SQLTransientConnectionException(
                e.getMessage() + " [" + describeHolders(3) + "]", e.getSQLState(), e.getErrorCode(), e);
    }

    SQLException closedByGuard(HandleView handle) {
        return new SQLNonTransientConnectionException(
                handle.describe() + " was closed by the guard (cause="
                        + handle.closeCause().map(Enum::name).orElse("?") + ")",
                "08003");
    }

    /** A statement may not run: it or its connection is closed or cancelled. */
    static SQLException notRunnable(HandleView handle) {
        if (handle.state() == HandleState.CLOSED) {
            return new SQLNonTransientException(
                    handle.describe() + " is closed"
                            + handle.closeCause().map(c -> " (cause=" + c + ")").orElse(""),
                    ResourceKinds.CONNECTION.equals(handle.kind()) ? "08003" : null);
        }
        return cancelled(handle, "was cancelled");
    }

    /** A statement may not run: its task is past its deadline, or it or its connection was cancelled. */
    static SQLException cancelled(HandleView handle, String why) {
        return new SQLTimeoutException(
                handle.describe() + " " + why
                        + handle.closeCause().map(c -> " (cause=" + c + ")").orElse("") + "; not executing",
                "57014");
    }

    private void closeQuietly(Statement s) {
        try {
            s.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("[{}] closing a statement failed: {}", guardName, e.toString());
        }
    }

    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
