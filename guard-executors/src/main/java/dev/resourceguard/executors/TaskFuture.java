package dev.resourceguard.executors;

import dev.resourceguard.Handle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task from {@code submit}, {@code invokeAll}, {@code invokeAny} or {@code gather}, and its future.
 *
 * <p>{@code get()} returns the value, or throws {@link ExecutionException} with the task's exception, or
 * with a {@link dev.resourceguard.DeadlineExceededException} as soon as the deadline passes (the thread may
 * still be running; the guard interrupts it, force-closes what it owns, and replaces it if it is stuck).
 * {@code cancel(true)} cancels the task's handle: its children first, then an interrupt, then the
 * escalation ladder; {@code cancel(false)} only completes the future.
 */
class TaskFuture<V> extends Task implements Future<V> {
    final Callable<V> callable;

    TaskFuture(GuardedExecutor executor, Callable<V> callable, String name, Duration timeout, Group group) {
        super(executor, name, timeout, group);
        this.callable = callable;
    }

    @Override
    Object call() throws Exception {
        return callable.call();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!cancelFuture()) {
            return false;
        }
        if (mayInterruptIfRunning) {
            Handle<Task> h = handle;
            if (h != null) {
                h.cancel();
            }
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state() == CANCELLED;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get() throws InterruptedException, ExecutionException {
        return (V) awaitValue();
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return (V) awaitValue(unit.toNanos(timeout));
    }
}
