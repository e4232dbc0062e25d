package dev.resourceguard.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock of one registry stripe: a test-and-test-and-set lock that is released with a release store.
 *
 * <p>Why not {@link java.util.concurrent.locks.ReentrantLock}: its unlock is a volatile write, a full
 * fence on x86, and the hot path locks a stripe twice per handle (track and close). Here acquiring is
 * one compare-and-set and releasing a plain store with release semantics, which is all mutual exclusion
 * needs. The stripe is chosen by thread, so the lock is almost never contended; the critical sections
 * are a few pointer writes, except the watchdog's advance and snapshot walks, which a waiter rides out
 * by spinning briefly, then yielding, then parking in short naps. Not reentrant: no code path takes a
 * stripe's lock while holding it.
 */
final class StripeLock {
    private static final VarHandle STATE;
    private static final int SPINS = 64;
    private static final int YIELDS = 64;
    private static final long NAP_NANOS = 20_000;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(StripeLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;

    void lock() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        for (int i = 0; ; i++) {
            if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
                return;
            }
            if (i < SPINS) {
                Thread.onSpinWait();
            } else if (i < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, NAP_NANOS);
            }
        }
    }

    void unlock() {
        STATE.setRelease(this, 0);
    }

    /** Whether some thread holds the lock (for assertions and tests). */
    boolean isLocked() {
        return state != 0;
    }
}
