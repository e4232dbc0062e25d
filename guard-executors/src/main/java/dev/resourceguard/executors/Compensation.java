package dev.resourceguard.executors;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Gives a pool back the capacity that stuck workers take away. For a {@link ThreadPoolExecutor}: one more
 * thread per stuck worker, up to a limit, by raising the maximum and then the core pool size (in that
 * order, so that core never exceeds maximum); withdrawn when the stuck thread returns, core first, then
 * maximum. The pool starts the new worker at once if tasks are queued, and retires the surplus thread
 * when it is next idle.
 *
 * <p>Other executors cannot be resized from outside ({@code ForkJoinPool}, virtual threads, the JDK's
 * {@code newSingleThreadExecutor} wrapper): stuck workers are reported, not replaced. A pool with an
 * unbounded maximum (a cached pool) needs no compensation: it adds threads on its own.
 *
 * <p>Thread-safe: resizing is serialised on this object; it happens only when a worker is declared stuck
 * or a stuck worker returns, never on the path of a normal task.
 */
final class Compensation {
    private final ThreadPoolExecutor pool; // null: cannot resize
    private final int limit;
    private int inUse; // guarded by this
    private volatile int inUseView;

    private Compensation(ThreadPoolExecutor pool, int limit) {
        this.pool = pool;
        this.limit = pool == null ? 0 : limit;
    }

    static Compensation of(Executor executor, int limit) {
        return new Compensation(executor instanceof ThreadPoolExecutor tpe ? tpe : null, limit);
    }

    /** Why a stuck worker cannot be replaced, or {@code null} if it can. */
    synchronized String cannotRaise() {
        if (pool == null) {
            return "this executor cannot be resized (only a ThreadPoolExecutor can); stuck workers are reported only";
        }
        if (pool.isShutdown()) {
            return "the pool is shut down";
        }
        if (pool.getMaximumPoolSize() == Integer.MAX_VALUE) {
            return "the pool's maximum size is unbounded: it adds threads itself";
        }
        if (inUse >= limit) {
            return "already " + inUse + " extra thread(s), the limit (maxExtraThreads=" + limit + ")";
        }
        return null;
    }

    /** Adds a thread for a stuck worker; returns whether it did (see {@link #cannotRaise()} for why not). */
    synchronized boolean raise() {
        if (cannotRaise() != null) {
            return false;
        }
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
        inUseView = ++inUse; // published once the pool is resized
        return true;
    }

    /**
     * Withdraws a thread added by {@link #raise()}, because its stuck worker returned; returns how many
     * extra threads are left.
     */
    synchronized int withdraw() {
        if (inUse == 0) {
            return 0;
        }
        int core = pool.getCorePoolSize();
        if (core > 0) {
            pool.setCorePoolSize(core - 1);
        }
        int max = pool.getMaximumPoolSize();
        if (max > 1 && max - 1 >= pool.getCorePoolSize()) {
            pool.setMaximumPoolSize(max - 1);
        }
        inUseView = --inUse; // published once the pool is resized
        return inUse;
    }

    int inUse() {
        return inUseView;
    }

    int limit() {
        return limit;
    }
}
