package dev.resourceguard.executors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/** A {@link RetryScheduler} that runs nothing by itself: the test reads the delays and fires the waits. */
final class ManualScheduler implements RetryScheduler {
    record Wait(Runnable action, long delayNanos) {}

    private final List<Wait> waits = new ArrayList<>();
    private boolean shutdown;

    @Override
    public synchronized void schedule(Runnable action, long delayNanos) {
        if (shutdown) {
            throw new RejectedExecutionException("manual scheduler shut down");
        }
        waits.add(new Wait(action, delayNanos));
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized void shutdownNow() {
        shutdown = true;
        waits.clear();
    }

    synchronized int size() {
        return waits.size();
    }

    synchronized List<Long> delaysMillis() {
        return waits.stream().map(w -> w.delayNanos() / 1_000_000).toList();
    }

    /** Runs the oldest pending wait. */
    void fireNext() {
        Wait w;
        synchronized (this) {
            w = waits.remove(0);
        }
        w.action().run();
    }
}
