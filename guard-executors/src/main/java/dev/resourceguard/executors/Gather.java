package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.Handle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link GuardedExecutorService#gather} call. Each task is a task of the executor whose deadline is
 * the gather's (so the watchdog enforces it too); the calling thread waits on a latch that counts runs
 * that ended (or will never start), not futures that completed, because a timed-out future completes at
 * the deadline while its thread may still be running. At the deadline: cancel the stragglers (those not
 * started never run), wait at most {@code forceCloseGrace}, force-close what the remaining ones own, and
 * return. Waits use wall-clock time (the latch), deadlines the guard's ticker.
 */
final class Gather<T> {
    private final GuardedExecutor ex;
    private final List<Callable<T>> callables;
    private final Duration timeout;
    private final CountDownLatch pending;
    private final List<Member> members;

    Gather(GuardedExecutor ex, Collection<? extends Callable<T>> tasks, Duration timeout) {
        Objects.requireNonNull(tasks, "tasks must not be null");
        this.ex = ex;
        this.callables = new ArrayList<>(tasks.size());
        for (Callable<T> c : tasks) {
            callables.add(Checks.task(c));
        }
        this.timeout = timeout;
        this.pending = new CountDownLatch(callables.size());
        this.members = new ArrayList<>(callables.size());
    }

    /** Follows one task: its run's end is counted once, whoever notices it. */
    private final class Member extends Task.Group {
        final int index;
        final AtomicBoolean ended = new AtomicBoolean();
        TaskFuture<T> task;

        Member(int index) {
            this.index = index;
        }

        @Override
        void ended(Task t) {
            end();
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                pending.countDown();
            }
        }
    }

    GatherResult<T> run() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = ex.ticker.read() + Checks.nanos(timeout);
        String base = ex.name + "-gather";
        try {
            for (int i = 0; i < callables.size(); i++) {
                Member m = new Member(i);
                members.add(m);
                m.task = new TaskFuture<>(ex, callables.get(i), base + "[" + i + "]", timeout, m);
                m.task.deadlineAt = deadline;
                try {
                    ex.enqueue(m.task);
                } catch (RejectedExecutionException e) {
                    m.task.complete(Task.EXCEPTIONAL, e, ex.counters.failed);
                    m.end();
                }
            }
            if (!pending.await(Checks.nanos(timeout) - (System.nanoTime() - start), TimeUnit.NANOSECONDS)) {
                cancelStragglers(CloseCause.TIMED_OUT);
                if (!pending.await(Checks.nanos(ex.forceCloseGrace), TimeUnit.NANOSECONDS)) {
                    forceCloseStragglers();
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            cancelStragglers(CloseCause.CANCELLED);
            forceCloseStragglers();
            throw e;
        }
        List<GatherResult.Outcome<T>> outcomes = new ArrayList<>(members.size());
        for (Member m : members) {
            outcomes.add(outcome(m));
        }
        return new GatherResult<>(outcomes, Duration.ofNanos(System.nanoTime() - start));
    }

    private void cancelStragglers(CloseCause cause) {
        for (Member m : members) {
            if (m.ended.get()) {
                continue;
            }
            TaskFuture<T> t = m.task;
            Handle<Task> h = t.handle;
            if (h == null) {
                // Not started: it never will (a worker that picks it up finds it done).
                if (cause == CloseCause.TIMED_OUT) {
                    t.complete(
                            Task.EXCEPTIONAL,
                            t.deadlineExceeded(null, ex.ticker.read(), "never started"),
                            ex.counters.timedOut);
                } else {
                    t.cancelFuture();
                }
                if (t.handle == null) {
                    m.end();
                    continue;
                }
                h = t.handle; // it started meanwhile
            }
            h.cancel(cause);
        }
    }

    private void forceCloseStragglers() {
        for (Member m : members) {
            Handle<Task> h = m.task.handle;
            if (!m.ended.get() && h != null) {
                h.forceClose();
            }
        }
    }

    private GatherResult.Outcome<T> outcome(Member m) {
        TaskFuture<T> t = m.task;
        int s = t.state();
        Object x = t.outcome();
        if (!m.ended.get() || s == Task.NEW) {
            return new GatherResult.Outcome<>(m.index, GatherResult.Status.TIMED_OUT, null, null);
        }
        switch (s) {
            case Task.NORMAL -> {
                @SuppressWarnings("unchecked")
                T value = (T) x;
                return new GatherResult.Outcome<>(m.index, GatherResult.Status.COMPLETED, value, null);
            }
            case Task.CANCELLED -> {
                return new GatherResult.Outcome<>(m.index, GatherResult.Status.CANCELLED, null, null);
            }
            default -> {
                Handle<Task> h = t.handle;
                boolean timedOut = h != null
                        ? h.closeCause().orElse(null) == CloseCause.TIMED_OUT
                        : x instanceof DeadlineExceededException;
                return timedOut
                        ? new GatherResult.Outcome<>(m.index, GatherResult.Status.TIMED_OUT, null, null)
                        : new GatherResult.Outcome<>(m.index, GatherResult.Status.FAILED, null, (Throwable) x);
            }
        }
    }
}
