package dev.resourceguard.executors;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GuardedExecutorService} that also schedules: each run of a scheduled or periodic task is a
 * tracked task with a deadline counted from that run's start. Made by {@link
 * GuardedExecutors#wrap(ScheduledExecutorService, dev.resourceguard.ResourceGuard)}.
 *
 * <p>A one-shot {@code schedule} returns a future that behaves as {@code submit}'s (released at the
 * deadline with a {@link dev.resourceguard.DeadlineExceededException}). For {@code scheduleAtFixedRate}
 * and {@code scheduleWithFixedDelay}, as in the JDK, a run that throws ends the schedule; a run the guard
 * cancelled at its deadline and that then returns normally does not. {@code cancel(true)} on a periodic
 * future also cancels the run in progress.
 *
 * <p>A {@link java.util.concurrent.ScheduledThreadPoolExecutor} gets stuck-worker compensation through its
 * core pool size.
 */
public interface GuardedScheduledExecutorService extends GuardedExecutorService, ScheduledExecutorService {

    /** As {@link #schedule(Callable, long, TimeUnit)}, with a task name and deadline ({@code null}: defaults). */
    <V> ScheduledFuture<V> schedule(String name, Duration timeout, Callable<V> task, long delay, TimeUnit unit);

    /**
     * As {@link #scheduleAtFixedRate(Runnable, long, long, TimeUnit)}, with a name and a deadline for each
     * run ({@code null}: defaults).
     */
    ScheduledFuture<?> scheduleAtFixedRate(
            String name, Duration timeout, Runnable task, long initialDelay, long period, TimeUnit unit);

    /**
     * As {@link #scheduleWithFixedDelay(Runnable, long, long, TimeUnit)}, with a name and a deadline for each
     * run ({@code null}: defaults).
     */
    ScheduledFuture<?> scheduleWithFixedDelay(
            String name, Duration timeout, Runnable task, long initialDelay, long delay, TimeUnit unit);
}
