package dev.resourceguard.executors;

import java.util.concurrent.RejectedExecutionException;

/** Where a retried task waits out its backoff: a timer, never a worker. Tests substitute a manual one. */
interface RetryScheduler {

    /**
     * Runs {@code action} after {@code delayNanos}, on the scheduler's thread (it must be short: it hands the
     * next attempt to the executor).
     *
     * @throws RejectedExecutionException if the scheduler is shut down
     */
    void schedule(Runnable action, long delayNanos);

    /** Stops accepting; actions already scheduled still run. */
    void shutdown();

    /** Stops accepting and drops what is scheduled. */
    void shutdownNow();
}
