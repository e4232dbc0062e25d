package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.EnteredHandle;
import dev.resourceguard.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * One task handed to the wrapped executor: the runnable the worker runs, and the outcome its future
 * reports.
 *
 * <p><b>Why the task is tracked when it starts.</b> A task waiting in the queue holds no thread and can
 * hang nothing, so it costs the guard nothing: the handle is opened by the worker that starts it ({@code
 * guard.track}), its deadline counts from there, and the time spent queued is measured separately
 * (two ticker reads, for a sample of the tasks: a read costs about 30 ns on some virtual machines). The
 * handle's resource is this task, so the spec's cancel action ({@link #cancelledByGuard()}) reaches the future and releases its waiters at the
 * deadline, while the guard interrupts the worker, cancels and later force-closes the task's children,
 * and finally declares the worker stuck (see {@link GuardedExecutor#stuck}).
 *
 * <p><b>The run, in order:</b> skip if the future already completed (cancelled while queued); open and
 * enter the handle in one step ({@code guard.trackAndEnter}: the worker's handles become its children,
 * and a cancel of the handle interrupts the worker from then on); publish it, then re-check for a cancel
 * that raced with the start; call the body; leave the scope (the guard's own
 * interrupt is cleared there); close the handle with {@code COMPLETED} or {@code FAILED} (a cancelled
 * handle keeps its cancel's cause); settle a stuck episode; only then complete the future. Closing before
 * completing means that when {@code get()} returns, the task's handle and everything it owned are closed.
 *
 * <p><b>The future</b> ({@link FutureState}): exactly one of the worker (normal end), the guard's cancel
 * action (deadline, sweep, shutdown) and {@code Future.cancel} completes it, and the winner bumps exactly
 * one counter.
 *
 * <p><b>Cost on the path of a normal task:</b> this object, a random draw (and for one task in 32 two
 * ticker reads), the core's trackAndEnter/exit/close, one compare-and-set on the state and three striped counter
 * increments. No lock, no map, no scheduled future, no exception built.
 */
abstract class Task extends FutureState implements Runnable {

    static final int NOT_STUCK = 0;
    static final int STUCK = 1;
    static final int RESOLVED = 2;

    /** No time: the queue wait is not measured, or the deadline counts from the start. */
    static final long NONE = Long.MIN_VALUE;
    /** The deadline is {@code timeout} after the first start (retried tasks). */
    static final long AT_FIRST_START = Long.MIN_VALUE + 1;

    private static final VarHandle STUCK_STATE;

    static {
        try {
            STUCK_STATE = MethodHandles.lookup().findVarHandle(Task.class, "stuckState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final GuardedExecutor executor;
    /** The task's own name, or {@code null} for the executor's. */
    final String name;
    /** The task's own timeout, or {@code null} for the executor's. */
    final Duration timeout;
    /** Listens to this task (invokeAny, gather); {@code null} for a plain task. */
    final Group group;

    /**
     * When it was handed to the executor, if its queue wait is timed (a sample), else {@link #NONE}. Plain:
     * the executor's hand-off publishes it.
     */
    long submittedAt = NONE;
    /** An absolute deadline (gather, retry), or {@link #NONE}: {@code timeout} from the start. */
    long deadlineAt = NONE;

    /** Set by {@link #publish} once the run has opened it. */
    volatile Handle<Task> handle;

    volatile int stuckState;
    /** Whether a thread was added to the pool for this task's stuck worker; written before stuckState. */
    boolean compensated;

    Task(GuardedExecutor executor, String name, Duration timeout, Group group) {
        this.executor = executor;
        this.name = name;
        this.timeout = timeout;
        this.group = group;
    }

    /** The work. */
    abstract Object call() throws Exception;

    @Override
    public final void run() {
        try {
            runTracked();
        } finally {
            if (group != null) {
                group.ended(this);
            }
        }
    }

    private void runTracked() {
        if (state() != NEW) {
            return; // cancelled while queued
        }
        GuardedExecutor ex = executor;
        Counters c = ex.counters;
        c.started.increment();
        long queuedAt = submittedAt;
        long now = NONE;
        if (queuedAt != NONE) { // in the sample
            now = ex.ticker.read();
            c.waitsTimed.increment();
            c.waitNanosTimed.add(now - queuedAt);
        }
        Duration t = timeout;
        long d = deadlineAt;
        if (d != NONE) {
            if (now == NONE) {
                now = ex.ticker.read();
            }
            if (d == AT_FIRST_START) {
                d = now + timeoutNanos();
                deadlineAt = d;
            }
            if (d - now <= 0) {
                complete(EXCEPTIONAL, deadlineExceeded(null, now, "before it could start"), ex.counters.timedOut);
                return;
            }
            t = Duration.ofNanos(d - now);
        }
        EnteredHandle<Task> scope;
        try {
            scope = ex.guard.trackAndEnter(this, ex.spec, name, t);
        } catch (RuntimeException | Error e) {
            notStarted(e); // the guard is closed, or the task quota stayed full
            return;
        }
        Handle<Task> h = scope.handle();
        publish(h);
        int s = state();
        if (s != NEW) {
            // Completed while starting (Future.cancel, or a gather gave up on it) by a caller that saw no
            // handle yet: it does not run.
            scope.close();
            h.close(s == CANCELLED ? CloseCause.CANCELLED : CloseCause.TIMED_OUT);
            return;
        }
        Object value = null;
        Throwable failure = null;
        try (scope) {
            value = call();
        } catch (Throwable e) {
            failure = e;
        }
        h.close(failure == null ? CloseCause.COMPLETED : CloseCause.FAILED);
        if (stuckState != NOT_STUCK) {
            ex.stuckReturned(this);
        }
        finish(value, failure, h.closeCause().orElse(CloseCause.COMPLETED));
    }

    /**
     * Makes the handle visible to a canceller. A volatile store: with the re-read of the state after it,
     * the worker's half of the handshake with {@code Future.cancel}, which completes the state and then
     * reads the handle (one of the two sees the other).
     */
    void publish(Handle<Task> h) {
        handle = h;
    }

    /**
     * Completes the future after the handle closed with {@code cause}. Overridden to retry, or to hand a
     * failure back to the worker thread.
     */
    void finish(Object value, Throwable failure, CloseCause cause) {
        Counters c = executor.counters;
        if (cause.wasForced()) {
            completeForced(handle, cause);
        } else if (failure == null) {
            complete(NORMAL, value, c.completed);
        } else {
            complete(EXCEPTIONAL, failure, c.failed);
        }
    }

    /** The guard refused to track the task ({@code e}): it does not run. */
    void notStarted(Throwable e) {
        complete(EXCEPTIONAL, e, executor.counters.failed);
    }

    /** The spec's cancel action: the guard is cancelling this task's handle. Runs on a guard thread. */
    final void cancelledByGuard() {
        Handle<Task> h = handle;
        if (h == null) {
            h = ownHandle(); // not published yet (or not yet visible): the guard still lists it
        }
        completeForced(h, h == null ? CloseCause.CANCELLED : h.closeCause().orElse(CloseCause.CANCELLED));
    }

    /** This task's open handle, looked up in the guard; the slow path of a cancel racing the start. */
    private Handle<Task> ownHandle() {
        for (Handle<Task> h : executor.guard.openHandles(executor.spec)) {
            if (h.get() == this) {
                return h;
            }
        }
        return null;
    }

    private void completeForced(Handle<Task> h, CloseCause cause) {
        if (state() != NEW) {
            return;
        }
        if (cause == CloseCause.TIMED_OUT) {
            complete(EXCEPTIONAL, deadlineExceeded(h, executor.ticker.read(), null), executor.counters.timedOut);
        } else {
            complete(CANCELLED, null, executor.counters.cancelled);
        }
    }

    /** Why the deadline passed: {@code "task 'fetch' #42 exceeded its deadline of 200 ms (ran 213 ms)"}. */
    DeadlineExceededException deadlineExceeded(Handle<Task> h, long now, String detail) {
        return new DeadlineExceededException(deadlineMessage(h, now, detail), null);
    }

    final String deadlineMessage(Handle<Task> h, long now, String detail) {
        long budget = timeoutNanos();
        long d = deadlineAt;
        long ran = d != NONE && d != AT_FIRST_START ? now - (d - budget) : h != null ? Checks.nanos(h.age()) : 0;
        String what = h != null ? h.describe() : "task '" + taskName() + "'";
        return what + " exceeded its deadline of " + Checks.millis(budget) + " ms ("
                + (detail != null ? detail + "; " : "") + "ran " + Checks.millis(ran) + " ms)";
    }

    @Override
    final void completed() {
        if (group != null) {
            group.completed(this);
        }
    }

    /** Cancels the future (not the run): {@code Future.cancel(false)}. */
    final boolean cancelFuture() {
        return complete(CANCELLED, null, executor.counters.cancelled);
    }

    final long timeoutNanos() {
        return timeout != null ? Checks.nanos(timeout) : executor.defaultTimeoutNanos;
    }

    @Override
    final String taskName() {
        return name != null ? name : executor.name;
    }

    // ---- stuck episodes (see GuardedExecutor#stuck)

    final boolean markStuckFrom(int expected) {
        return STUCK_STATE.compareAndSet(this, expected, STUCK);
    }

    final boolean resolveStuck() {
        return STUCK_STATE.compareAndSet(this, STUCK, RESOLVED);
    }

    @Override
    public String toString() {
        int s = state();
        String st =
                s == NEW ? "running or queued" : s == NORMAL ? "completed" : s == CANCELLED ? "cancelled" : "failed";
        return getClass().getSimpleName() + "['" + taskName() + "', " + st + "]";
    }

    /** Follows some tasks: {@link #completed} when a future completes, {@link #ended} when a run ends. */
    abstract static class Group {
        /** The task's future completed. Runs on the completing thread; must be fast. */
        void completed(Task t) {}

        /** The task's run ended, or the task will never run. */
        void ended(Task t) {}
    }
}
