package dev.resourceguard.jdbc.internal;

import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ConnectionTracker#reclaim()} every check interval on one daemon thread, named {@code
 * resourceguard-<guard>-jdbc-<name>}, and, when the guard logs resource usage, logs the data source's
 * connections and pool counts once per cleanup interval. Stops when closed or when its guard shuts down (it
 * listens for the guard's {@link GuardEvent.Type#SHUTDOWN} event).
 *
 * <p>A thread of its own because the core offers adapters no periodic callback; see the module's notes.
 * The check reads the guard's snapshot of open handles and costs nothing on the connection hot path.
 */
public final class Reclaimer implements AutoCloseable {
    private final ConnectionTracker tracker;
    private final ScheduledThreadPoolExecutor executor;
    private final GuardListener shutdownListener;
    private final boolean logUsage;
    private final long logIntervalNanos;
    private long lastLog;

    public Reclaimer(ConnectionTracker tracker, Duration interval) {
        this.tracker = tracker;
        this.logUsage = tracker.guard.config().logResourceUsage();
        this.logIntervalNanos = ConnectionTracker.nanos(tracker.guard.config().cleanupInterval());
        String threadName = "resourceguard-" + tracker.guardName + "-jdbc-" + tracker.name;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.shutdownListener = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                if (event.type() == GuardEvent.Type.SHUTDOWN) {
                    executor.shutdownNow();
                }
            }
        };
        tracker.guard.addListener(shutdownListener);
        long period = ConnectionTracker.nanos(interval);
        this.lastLog = System.nanoTime();
        executor.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (tracker.guard.isClosed()) {
            close();
            return;
        }
        try {
            tracker.reclaim();
            if (logUsage && System.nanoTime() - lastLog - logIntervalNanos >= 0) {
                lastLog = System.nanoTime();
                tracker.log.info("[{}] jdbc '{}': {}", tracker.guardName, tracker.name, tracker.describeHolders(3));
            }
        } catch (RuntimeException | Error e) {
            tracker.log.warn("[{}] reclaim check of '{}' failed; will retry", tracker.guardName, tracker.name, e);
        }
    }

    /** Stops the checks; a check already running finishes. Idempotent. */
    @Override
    public void close() {
        tracker.guard.removeListener(shutdownListener);
        executor.shutdownNow();
    }

    /** Whether the checks have stopped. */
    public boolean isClosed() {
        return executor.isShutdown();
    }
}
