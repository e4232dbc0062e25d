package dev.resourceguard.executors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The future half of a {@link Task}, after {@code java.util.concurrent.FutureTask} (JSR-166, public
 * domain): a state word that moves once from {@code NEW} to an outcome by compare-and-set, and a Treiber
 * stack of parked waiters. Waiters park (never {@code Object.wait}), so virtual threads blocked in {@code
 * get()} never pin a carrier. Completion costs one compare-and-set and a release store when nobody waits.
 */
abstract class FutureState {

    static final int NEW = 0;
    static final int COMPLETING = 1;
    static final int NORMAL = 2;
    static final int EXCEPTIONAL = 3;
    static final int CANCELLED = 4;

    private static final VarHandle STATE;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(FutureState.class, "state", int.class);
            WAITERS = l.findVarHandle(FutureState.class, "waiters", WaitNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private Object outcome; // published by the release store of state
    private volatile WaitNode waiters;

    /** The name used in the messages of {@code get()}'s exceptions. */
    abstract String taskName();

    /** Called once, on the completing thread, after the waiters are released. */
    abstract void completed();

    /** Completes with {@code s}; returns whether this call won. Bumps {@code counter} once. */
    final boolean complete(int s, Object x, LongAdder counter) {
        if (!STATE.compareAndSet(this, NEW, COMPLETING)) {
            return false;
        }
        outcome = x;
        STATE.setRelease(this, s);
        counter.increment();
        releaseWaiters();
        completed();
        return true;
    }

    public final boolean isDone() {
        return state != NEW;
    }

    final int state() {
        return state;
    }

    /** The outcome once done: a value, a Throwable, or {@code null} when cancelled. */
    final Object outcome() {
        return outcome;
    }

    static final class WaitNode {
        volatile Thread thread = Thread.currentThread();
        volatile WaitNode next;
    }

    /** Waits until done (or the time passes); returns the state. */
    final int awaitDone(boolean timed, long nanos) throws InterruptedException {
        long startTime = 0;
        WaitNode q = null;
        boolean queued = false;
        for (; ; ) {
            int s = state;
            if (s > COMPLETING) {
                if (q != null) {
                    q.thread = null;
                }
                return s;
            } else if (s == COMPLETING) {
                Thread.yield(); // the outcome is being written
            } else if (Thread.interrupted()) {
                removeWaiter(q);
                throw new InterruptedException();
            } else if (q == null) {
                if (timed && nanos <= 0) {
                    return s;
                }
                q = new WaitNode();
            } else if (!queued) {
                WaitNode head = waiters;
                q.next = head;
                queued = WAITERS.compareAndSet(this, head, q);
            } else if (timed) {
                long parkNanos;
                if (startTime == 0) {
                    startTime = System.nanoTime();
                    if (startTime == 0) {
                        startTime = 1;
                    }
                    parkNanos = nanos;
                } else {
                    long elapsed = System.nanoTime() - startTime;
                    if (elapsed >= nanos) {
                        removeWaiter(q);
                        return state;
                    }
                    parkNanos = nanos - elapsed;
                }
                if (state < COMPLETING) {
                    LockSupport.parkNanos(this, parkNanos);
                }
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Unlinks a timed-out or interrupted waiter, and any other stale node met on the way. */
    private void removeWaiter(WaitNode node) {
        if (node == null) {
            return;
        }
        node.thread = null;
        retry:
        for (; ; ) {
            for (WaitNode pred = null, q = waiters, s; q != null; q = s) {
                s = q.next;
                if (q.thread != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = s;
                    if (pred.thread == null) {
                        continue retry; // pred was unlinked meanwhile
                    }
                } else if (!WAITERS.compareAndSet(this, q, s)) {
                    continue retry;
                }
            }
            return;
        }
    }

    private void releaseWaiters() {
        for (WaitNode q; (q = waiters) != null; ) {
            if (WAITERS.weakCompareAndSet(this, q, null)) {
                for (; ; ) {
                    Thread t = q.thread;
                    if (t != null) {
                        q.thread = null;
                        LockSupport.unpark(t);
                    }
                    WaitNode next = q.next;
                    if (next == null) {
                        return;
                    }
                    q.next = null;
                    q = next;
                }
            }
        }
    }

    /** The value for {@code get()}, or its exception. */
    final Object report(int s) throws ExecutionException {
        Object x = outcome;
        if (s == NORMAL) {
            return x;
        }
        if (s == CANCELLED) {
            throw new CancellationException("task '" + taskName() + "' was cancelled");
        }
        throw new ExecutionException((Throwable) x);
    }

    final Object awaitValue() throws InterruptedException, ExecutionException {
        int s = state;
        if (s <= COMPLETING) {
            s = awaitDone(false, 0);
        }
        return report(s);
    }

    final Object awaitValue(long nanos) throws InterruptedException, ExecutionException, TimeoutException {
        int s = state;
        if (s <= COMPLETING && (s = awaitDone(true, nanos)) <= COMPLETING) {
            throw new TimeoutException(
                    "task '" + taskName() + "' did not complete within " + Checks.millis(nanos) + " ms");
        }
        return report(s);
    }
}
