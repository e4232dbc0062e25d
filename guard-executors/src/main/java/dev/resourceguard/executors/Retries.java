package dev.resourceguard.executors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.DoubleSupplier;

/**
 * The executor's retried tasks between attempts: each waits on the {@link RetryScheduler}, then goes back
 * to the wrapped executor. The set of waiting tasks exists only for {@code shutdownNow}, which fails them
 * instead of leaving their futures waiting forever; it is touched once per retry, never per task.
 */
final class Retries {
    private final GuardedExecutor ex;
    private final RetryScheduler scheduler;
    private final DoubleSupplier random;
    private final Set<RetryingTask<?>> waiting = ConcurrentHashMap.newKeySet();

    Retries(GuardedExecutor ex, RetryScheduler scheduler, DoubleSupplier random) {
        this.ex = ex;
        this.scheduler = scheduler != null
                ? scheduler
                : new DaemonRetryScheduler("resourceguard-" + ex.guardName + "-" + ex.name + "-retry");
        this.random = random;
    }

    /** A draw in [0, 1) for the jitter. */
    double random() {
        double r = random.getAsDouble();
        return r >= 0 && r < 1 ? r : 0;
    }

    void retryAfter(RetryingTask<?> t, long delayNanos) {
        waiting.add(t);
        try {
            scheduler.schedule(() -> fire(t), delayNanos);
        } catch (RejectedExecutionException e) {
            if (waiting.remove(t)) {
                t.couldNotRetry(e);
            }
        }
    }

    private void fire(RetryingTask<?> t) {
        if (!waiting.remove(t) || t.isDone()) {
            return;
        }
        t.submittedAt = ex.ticker.read();
        try {
            ex.delegate.execute(t);
        } catch (RejectedExecutionException e) {
            ex.counters.rejected.increment();
            t.couldNotRetry(e);
        }
    }

    void shutdown() {
        scheduler.shutdown();
    }

    void shutdownNow() {
        scheduler.shutdownNow();
        for (RetryingTask<?> t : waiting) {
            if (waiting.remove(t)) {
                t.couldNotRetry(new RejectedExecutionException("executor '" + ex.name + "' was shut down"));
            }
        }
    }
}
