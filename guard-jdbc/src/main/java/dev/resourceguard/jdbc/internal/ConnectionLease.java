package dev.resourceguard.jdbc.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The guard's side of one borrowed connection: the resource of a connection handle. It holds the pool's
 * connection, how many statements run on it now (and which), and, with statement handles, its open
 * statements — never the {@link TrackedConnection} the user holds, so that a connection the user drops can
 * be collected and reported (the guard's reachability detector closes its handle as {@link
 * CloseCause#LEAKED}).
 *
 * <p><b>Releasing.</b> The handle's close action, {@link #release(CloseCause)}, gives the connection back
 * exactly once: the guard runs it once, and where a forced close, the statement it leaves running and a user
 * abort could race, {@code released} flips by compare-and-set. After normal use it only closes the
 * connection. On a forced close ({@link CloseCause#wasForced()}: deadline, leak, shutdown...) it never
 * commits:
 *
 * <ul>
 *   <li>no statement running: roll back any open transaction, then close, so the pool gets a clean
 *       connection back; if the rollback fails, abort and evict the connection instead;
 *   <li>a statement still running on another thread (it has been cancelled, but has not returned): do not
 *       touch the connection under it — a rollback would wait for the statement — but abort it (PostgreSQL
 *       drops the socket; the server rolls the transaction back), make the pool evict it (HikariCP closes
 *       it on its own thread; that stops an H2 query), and close it when the statement returns.
 * </ul>
 */
final class ConnectionLease {

    private static final VarHandle ACTIVITY;
    private static final long FINISHED = 1L << 32;
    private static final VarHandle RELEASED;
    private static final VarHandle PHYSICAL;
    private static final Executor DIRECT = Runnable::run;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ACTIVITY = l.findVarHandle(ConnectionLease.class, "activity", long.class);
            RELEASED = l.findVarHandle(ConnectionLease.class, "released", boolean.class);
            PHYSICAL = l.findVarHandle(ConnectionLease.class, "physical", Connection.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ConnectionTracker tracker;

    /** The pool's (or driver's) connection; null until the pool has lent it ({@link #lent}). */
    volatile Connection physical;

    /**
     * The driver's statement running now (the last one started), when statements are not handles: the
     * connection handle's cancel action cancels it. Set plainly before {@link #enter()} and cleared before
     * {@link #exit()}, whose atomic updates publish it; readers read {@link #executing()} first.
     */
    Statement running;

    /**
     * Low 32 bits: statements running now. High 32 bits: statements finished (wrapping), which the reclaim
     * check compares with what it saw last time to tell activity without a clock read per statement.
     */
    private volatile long activity;

    /** The finished count the reclaim check saw last; only the reclaim check reads and writes it. */
    long finishedSeen;

    private volatile boolean released;
    private volatile boolean closePending;

    /** With statement handles: the open statements, newest first; changed under this monitor. */
    private volatile StatementLease statements;

    /** A failure of a normal close, handed to the user's {@code close()} on the same thread. */
    private SQLException closeFailure;

    ConnectionLease(ConnectionTracker tracker) {
        this.tracker = tracker;
    }

    /**
     * The pool has lent {@code c}. A release store, not a volatile one (a full fence on x86): the readers
     * on other threads (cancel, forced close, reclaim) read it with acquire loads, and before the handle is
     * published only this thread can reach the lease. Only for a lease whose handle is not yet tracked.
     */
    void lent(Connection c) {
        PHYSICAL.setRelease(this, c);
    }

    /** A statement starts running on this connection. A full fence. */
    void enter() {
        ACTIVITY.getAndAdd(this, 1L);
    }

    /** A statement has returned; closes the connection if a forced close waited for it. */
    void exit() {
        long before = (long) ACTIVITY.getAndAdd(this, FINISHED - 1);
        if ((int) before == 1 && closePending) {
            closeIfPending();
        }
    }

    /** The cancel action of the connection handle when statements are not handles: cancels the running one. */
    void cancelRunning() throws SQLException {
        if (executing() > 0) {
            Statement s = running;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Statements running on this connection now. */
    int executing() {
        return (int) activity;
    }

    /** Statements finished on this connection so far (wrapping); changes whenever one finishes. */
    long finished() {
        return activity >>> 32;
    }

    private boolean claim() {
        return RELEASED.compareAndSet(this, false, true);
    }

    void link(StatementLease s) {
        synchronized (this) {
            StatementLease head = statements;
            s.next = head;
            if (head != null) {
                head.prev = s;
            }
            statements = s;
        }
    }

    void unlink(StatementLease s) {
        synchronized (this) {
            StatementLease p = s.prev;
            StatementLease n = s.next;
            if (p != null) {
                p.next = n;
            } else if (statements == s) {
                statements = n;
            } else {
                return; // not linked (never, or already unlinked)
            }
            if (n != null) {
                n.prev = p;
            }
            s.prev = null;
            s.next = null;
        }
    }

    /**
     * With statement handles: closes the open statements as completed, newest first (closing a connection
     * closes its statements in JDBC, so they are not leaks). Their close failures are ignored, as a driver's
     * would be.
     */
    void closeStatements() {
        if (statements == null) {
            return;
        }
        List<Handle<StatementLease>> open = new ArrayList<>();
        synchronized (this) {
            for (StatementLease s = statements; s != null; s = s.next) {
                open.add(s.handle);
            }
        }
        for (Handle<StatementLease> h : open) {
            h.close(CloseCause.COMPLETED);
        }
    }

    /** The close action of the connection handle. */
    void release(CloseCause cause) {
        Connection c = physical;
        if (c == null) {
            return; // the pool never lent one; see ConnectionTracker.open
        }
        if (!cause.wasForced()) {
            // The handle's close runs this once, and nothing else releases a connection closed normally
            // (only forced closes and aborts race): no compare-and-set needed.
            RELEASED.setRelease(this, true);
            try {
                c.close();
            } catch (SQLException e) {
                closeFailure = e;
            }
            return;
        }
        if (executing() > 0) {
            if (!tracker.statementHandles) {
                try {
                    cancelRunning(); // with statement handles, closing them (first) has cancelled them
                } catch (SQLException | RuntimeException e) {
                    tracker.log.debug("[{}] cancel failed: {}", tracker.guardName, e.toString());
                }
            }
            abort(c, cause, "a statement is still running");
            closePending = true;
            closeIfPending();
            return;
        }
        if (!claim()) {
            return;
        }
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            tracker.log.info(
                    "[{}] rolling back a connection of '{}' failed (cause={}); aborting it: {}",
                    tracker.guardName,
                    tracker.name,
                    cause,
                    e.toString());
            abort(c, cause, "rollback failed");
        }
        closeQuietly(c, cause);
    }

    /** The user aborts the connection ({@link Connection#abort}). */
    void abortByUser(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor: null");
        }
        Connection c = physical;
        if (c != null && claim()) {
            try {
                c.abort(executor);
            } finally {
                tracker.pool.evict(c);
            }
        }
    }

    /** Closes the connection if a forced close left that to the last running statement, and none runs now. */
    void closeIfPending() {
        if (closePending && executing() == 0 && claim()) {
            closeQuietly(physical, null);
        }
    }

    /** Throws (once) the failure of the normal close that just ran on this thread. */
    void throwCloseFailure() throws SQLException {
        SQLException e = closeFailure;
        if (e != null) {
            closeFailure = null;
            throw e;
        }
    }

    private void abort(Connection c, CloseCause cause, String why) {
        tracker.log.debug(
                "[{}] aborting a connection of '{}' ({}; cause={})", tracker.guardName, tracker.name, why, cause);
        try {
            c.abort(DIRECT);
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            tracker.log.debug("[{}] abort failed: {}", tracker.guardName, e.toString());
        }
        tracker.pool.evict(c);
    }

    private void closeQuietly(Connection c, CloseCause cause) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            tracker.log.debug(
                    "[{}] closing a connection of '{}' failed (cause={}): {}",
                    tracker.guardName,
                    tracker.name,
                    cause,
                    e.toString());
        }
    }
}
