package dev.resourceguard.executors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code invokeAll} and {@code invokeAny} over tracked tasks, with the JDK's semantics: every task is a
 * task of the executor (its deadline, its handle); tasks left over when the call ends are cancelled with
 * {@code cancel(true)}, which cancels their handles.
 */
final class Invocations {
    private Invocations() {}

    /** {@code timeoutNanos < 0}: no timeout. */
    static <T> List<Future<T>> invokeAll(GuardedExecutor ex, Collection<? extends Callable<T>> tasks, long timeoutNanos)
            throws InterruptedException {
        List<Callable<T>> checked = checked(tasks);
        long deadline = System.nanoTime() + timeoutNanos;
        List<Future<T>> futures = new ArrayList<>(checked.size());
        try {
            for (Callable<T> c : checked) {
                if (timeoutNanos >= 0 && deadline - System.nanoTime() <= 0) {
                    cancelAll(futures);
                    return futures;
                }
                futures.add(ex.enqueue(new TaskFuture<>(ex, c, null, null, null)));
            }
            for (Future<T> f : futures) {
                if (f.isDone()) {
                    continue;
                }
                try {
                    if (timeoutNanos < 0) {
                        f.get();
                    } else {
                        f.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    }
                } catch (ExecutionException | CancellationException ignored) {
                    // reported by the future
                } catch (TimeoutException timedOut) {
                    cancelAll(futures);
                    return futures;
                }
            }
            return futures;
        } catch (InterruptedException | RuntimeException | Error e) {
            cancelAll(futures);
            throw e;
        }
    }

    /** {@code timeoutNanos < 0}: no timeout. */
    static <T> T invokeAny(GuardedExecutor ex, Collection<? extends Callable<T>> tasks, long timeoutNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Callable<T>> checked = checked(tasks);
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        BlockingQueue<Task> done = new LinkedBlockingQueue<>();
        Task.Group group = new Task.Group() {
            @Override
            void completed(Task t) {
                done.add(t);
            }
        };
        List<TaskFuture<T>> futures = new ArrayList<>(checked.size());
        try {
            ExecutionException last = null;
            int submitted = 0;
            int finished = 0;
            // As AbstractExecutorService: submit the next task whenever none has completed yet.
            futures.add(ex.enqueue(new TaskFuture<>(ex, checked.get(submitted++), null, null, group)));
            while (true) {
                Task t = done.poll();
                if (t == null) {
                    if (submitted < checked.size()) {
                        futures.add(ex.enqueue(new TaskFuture<>(ex, checked.get(submitted++), null, null, group)));
                        continue;
                    }
                    if (timeoutNanos < 0) {
                        t = done.take();
                    } else {
                        t = done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                        if (t == null) {
                            throw new TimeoutException("none of " + checked.size() + " tasks of executor '" + ex.name
                                    + "' completed within " + Checks.millis(timeoutNanos) + " ms");
                        }
                    }
                }
                finished++;
                @SuppressWarnings("unchecked")
                TaskFuture<T> f = (TaskFuture<T>) t;
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
                if (finished == checked.size()) {
                    throw last;
                }
            }
        } finally {
            cancelAll(futures);
        }
    }

    private static <T> List<Callable<T>> checked(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks must not be null");
        List<Callable<T>> list = new ArrayList<>(tasks.size());
        for (Callable<T> c : tasks) {
            list.add(Checks.task(c));
        }
        return list;
    }

    static void cancelAll(List<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.cancel(true);
        }
    }
}
