package dev.resourceguard.jdbc.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The guard's side of one statement, with statement handles ({@code JdbcOptions.statementHandles}): the
 * resource of a statement handle, a child of its connection's handle. Its cancel action is {@link Statement#cancel()} on the running statement; its close action closes
 * the statement, except that a forced close of a statement still running only cancels it again (closing it
 * from another thread could wait for the query; the connection's abort takes it down).
 */
final class StatementLease {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(StatementLease.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Statement delegate;
    final ConnectionLease connection;

    /** Set once, before the lease is linked into its connection. */
    Handle<StatementLease> handle;

    /** Whether a statement runs now: set before the cancel check, so a cancel sees it or execute sees the cancel. */
    volatile boolean executing;

    private volatile boolean released;
    private SQLException closeFailure;

    // Guarded by the connection lease's monitor.
    StatementLease prev;
    StatementLease next;

    StatementLease(Statement delegate, ConnectionLease connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    /** The cancel action of the statement handle. */
    void cancel() throws SQLException {
        if (executing) {
            delegate.cancel();
        }
    }

    /** The close action of the statement handle. */
    void release(CloseCause cause) {
        connection.unlink(this);
        if (cause.wasForced() && executing) {
            try {
                delegate.cancel();
            } catch (SQLException | RuntimeException e) {
                connection.tracker.log.debug("[{}] cancel failed: {}", connection.tracker.guardName, e.toString());
            }
            return;
        }
        if (RELEASED.compareAndSet(this, false, true)) {
            try {
                delegate.close();
            } catch (SQLException e) {
                if (cause.wasForced()) {
                    connection.tracker.log.debug(
                            "[{}] closing a statement failed (cause={}): {}",
                            connection.tracker.guardName,
                            cause,
                            e.toString());
                } else {
                    closeFailure = e;
                }
            }
        }
    }

    /** After a forced close left the statement open because it was running: closes it now, on its thread. */
    void closeIfLeftOpen() throws SQLException {
        if (!executing && RELEASED.compareAndSet(this, false, true)) {
            delegate.close();
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
}
