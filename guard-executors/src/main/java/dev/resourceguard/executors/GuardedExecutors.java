package dev.resourceguard.executors;

import dev.resourceguard.GuardClosedException;
import dev.resourceguard.ResourceGuard;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Wraps executors so that no task can exhaust their workers.
 *
 * <pre>{@code
 * ResourceGuard guard = ResourceGuard.create(GuardConfig.fromEnvironment());
 * GuardedExecutorService workers = GuardedExecutors.wrap(Executors.newFixedThreadPool(4), guard);
 * workers.submit(() -> callTheModel(prompt));   // deadline: MAX_TASK_DURATION
 * }</pre>
 *
 * <p>Stuck workers are replaced only in a {@link java.util.concurrent.ThreadPoolExecutor} (which {@code
 * Executors.newFixedThreadPool}, {@code newCachedThreadPool} and {@code newScheduledThreadPool} return).
 * {@code Executors.newSingleThreadExecutor()} hides its pool behind a wrapper that cannot be resized: use
 * {@code newFixedThreadPool(1)} to get compensation. A {@code ForkJoinPool} or a virtual-thread executor
 * gets deadlines, cancellation and reports, not compensation (a virtual-thread executor does not need it).
 */
public final class GuardedExecutors {
    private GuardedExecutors() {}

    /** Wraps {@code executor}, with the guard's defaults (see {@link ExecutorOptions}). */
    public static GuardedExecutorService wrap(ExecutorService executor, ResourceGuard guard) {
        return wrap(executor, guard, ExecutorOptions.defaults());
    }

    /**
     * Wraps {@code executor} with {@code options}.
     *
     * @throws IllegalArgumentException if {@code executor} is already guarded
     * @throws GuardClosedException if the guard is closed
     */
    public static GuardedExecutorService wrap(ExecutorService executor, ResourceGuard guard, ExecutorOptions options) {
        check(executor, guard, options);
        if (executor instanceof ScheduledExecutorService scheduled) {
            return new GuardedScheduledExecutor(scheduled, guard, options);
        }
        return new GuardedExecutor(executor, guard, options);
    }

    /** Wraps a scheduling {@code executor}, with the guard's defaults. */
    public static GuardedScheduledExecutorService wrap(ScheduledExecutorService executor, ResourceGuard guard) {
        return wrap(executor, guard, ExecutorOptions.defaults());
    }

    /**
     * Wraps a scheduling {@code executor} with {@code options}.
     *
     * @throws IllegalArgumentException if {@code executor} is already guarded
     * @throws GuardClosedException if the guard is closed
     */
    public static GuardedScheduledExecutorService wrap(
            ScheduledExecutorService executor, ResourceGuard guard, ExecutorOptions options) {
        check(executor, guard, options);
        return new GuardedScheduledExecutor(executor, guard, options);
    }

    private static void check(ExecutorService executor, ResourceGuard guard, ExecutorOptions options) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(options, "options");
        if (executor instanceof GuardedExecutorService g) {
            throw new IllegalArgumentException("executor '" + g.name() + "' is already guarded (by guard '"
                    + g.guard().config().name() + "')");
        }
        if (guard.isClosed()) {
            throw new GuardClosedException(
                    "[" + guard.config().name() + "] guard is closed; cannot wrap an executor with it");
        }
    }
}
