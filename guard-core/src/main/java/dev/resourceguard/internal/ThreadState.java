package dev.resourceguard.internal;

/**
 * What the guards keep per thread, behind one thread-local lookup: the thread's current owner (across
 * guards: an owner of another guard is ignored) and its nursery in the guard it last tracked a handle in.
 * Only its own thread reads and writes it.
 *
 * <p>The thread keeps that last nursery (and, through it, one stripe of its guard) reachable until it
 * tracks a handle in another guard.
 */
final class ThreadState {
    static final ThreadLocal<ThreadState> LOCAL = ThreadLocal.withInitial(ThreadState::new);

    /** The handle the thread runs as now (entered scopes nest), or {@code null}. */
    Entry current;

    /** The guard {@link #nursery} belongs to; {@code null} before the first handle. */
    DefaultGuard nurseryGuard;

    /** The thread's nursery in {@link #nurseryGuard}; {@code null} on a virtual thread. */
    Nursery nursery;
}
