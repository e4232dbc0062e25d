package dev.resourceguard.executors;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread per executor, started at the first retry and ended after a second without any: a
 * {@link ScheduledThreadPoolExecutor} with {@code removeOnCancel} (a dropped wait leaves nothing queued).
 * Its thread is named {@code resourceguard-<guard>-<executor>-retry}.
 */
final class DaemonRetryScheduler implements RetryScheduler {
    private final String threadName;
    private ScheduledThreadPoolExecutor timer; // guarded by this
    private boolean shutdown; // guarded by this

    DaemonRetryScheduler(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public void schedule(Runnable action, long delayNanos) {
        timer().schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (shutdown) {
            throw new RejectedExecutionException("retry scheduler '" + threadName + "' is shut down");
        }
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            timer.setKeepAliveTime(1, TimeUnit.SECONDS);
            timer.allowCoreThreadTimeOut(true);
        }
        return timer;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        if (timer != null) {
            timer.shutdown();
        }
    }

    @Override
    public synchronized void shutdownNow() {
        shutdown = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
