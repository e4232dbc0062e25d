package dev.resourceguard.executors;

import dev.resourceguard.Handle;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The implementation of {@link GuardedScheduledExecutorService}. The wrapped executor keeps the timing;
 * what it runs is a tracked task: a {@link ScheduledTask} for a one-shot schedule (its queue wait is how
 * late it started), a fresh {@link ExecuteTask} per run of a periodic one.
 */
final class GuardedScheduledExecutor extends GuardedExecutor implements GuardedScheduledExecutorService {
    private final ScheduledExecutorService scheduled;

    GuardedScheduledExecutor(ScheduledExecutorService delegate, ResourceGuard guard, ExecutorOptions options) {
        super(delegate, guard, options);
        this.scheduled = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(null, null, Executors.callable(Checks.task(command)), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return schedule(null, null, callable, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(String name, Duration timeout, Callable<V> task, long delay, TimeUnit unit) {
        ScheduledTask<V> t =
                new ScheduledTask<>(this, Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout));
        t.submittedAt = ticker.read() + unit.toNanos(Math.max(0, delay));
        try {
            t.timer = scheduled.schedule(t, delay, unit);
        } catch (RejectedExecutionException e) {
            counters.rejected.increment();
            throw e;
        }
        counters.submitted.increment();
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleAtFixedRate(null, null, command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleWithFixedDelay(null, null, command, initialDelay, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
            String name, Duration timeout, Runnable task, long initialDelay, long period, TimeUnit unit) {
        Periodic p = new Periodic(Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout));
        return p.started(scheduled.scheduleAtFixedRate(p, initialDelay, period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
            String name, Duration timeout, Runnable task, long initialDelay, long delay, TimeUnit unit) {
        Periodic p = new Periodic(Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout));
        return p.started(scheduled.scheduleWithFixedDelay(p, initialDelay, delay, unit));
    }

    /** A one-shot scheduled task: {@code submit}'s future, with the wrapped executor's timing. */
    static final class ScheduledTask<V> extends TaskFuture<V> implements ScheduledFuture<V> {
        volatile ScheduledFuture<?> timer;

        ScheduledTask(GuardedExecutor ex, Callable<V> callable, String name, Duration timeout) {
            super(ex, callable, name, timeout, null);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return timer.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return other == this
                    ? 0
                    : Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            ScheduledFuture<?> t = timer;
            if (cancelled && t != null) {
                t.cancel(false); // out of the wrapped executor's queue
            }
            return cancelled;
        }
    }

    /** A periodic schedule: each run is a tracked task of its own. */
    private final class Periodic implements Runnable {
        private final Runnable body;
        private final String name;
        private final Duration timeout;
        private volatile ExecuteTask current;

        Periodic(Runnable body, String name, Duration timeout) {
            this.body = body;
            this.name = name;
            this.timeout = timeout;
        }

        @Override
        public void run() {
            ExecuteTask t = new ExecuteTask(GuardedScheduledExecutor.this, body, name, timeout, false);
            t.submittedAt = ticker.read();
            counters.submitted.increment();
            current = t;
            try {
                t.run();
            } finally {
                current = null;
            }
        }

        ScheduledFuture<?> started(ScheduledFuture<?> schedule) {
            return new PeriodicFuture(schedule, this);
        }

        void cancelCurrentRun() {
            ExecuteTask t = current;
            Handle<Task> h = t == null ? null : t.handle;
            if (h != null) {
                h.cancel();
            }
        }

        @Override
        public String toString() {
            return "periodic task '" + (name != null ? name : GuardedScheduledExecutor.this.name) + "' " + body;
        }
    }

    /** The wrapped executor's periodic future, whose {@code cancel(true)} cancels the run's handle. */
    private record PeriodicFuture(ScheduledFuture<?> schedule, Periodic periodic) implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return schedule.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return other == this
                    ? 0
                    : Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = schedule.cancel(false);
            if (cancelled && mayInterruptIfRunning) {
                periodic.cancelCurrentRun();
            }
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return schedule.isCancelled();
        }

        @Override
        public boolean isDone() {
            return schedule.isDone();
        }

        @Override
        public Object get() throws InterruptedException, ExecutionException {
            return schedule.get();
        }

        @Override
        public Object get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return schedule.get(timeout, unit);
        }
    }
}
