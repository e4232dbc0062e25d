package dev.resourceguard.internal;

import dev.resourceguard.Ticker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * Runs cancel and close actions for the watchdog on a small pool, because an action can itself hang (a
 * {@code Statement.cancel()} over a dead network). An action running past the action timeout is
 * reported once, its thread interrupted, and the pool grows by one thread so the queue keeps moving;
 * the extra thread goes when the hung action returns.
 */
final class ActionRunner {
    private final ThreadPoolExecutor pool;
    private final Ticker ticker;
    private final long timeoutNanos;
    private final int baseThreads;
    private final int maxExtra;
    private final Logger log;
    private final Map<Thread, Running> running = new ConcurrentHashMap<>();
    private int extra; // guarded by this

    private static final class Running {
        final String what;
        final long start;
        volatile boolean hung;

        Running(String what, long start) {
            this.what = what;
            this.start = start;
        }
    }

    ActionRunner(String guardName, int threads, long timeoutNanos, Ticker ticker, Logger log) {
        this.ticker = ticker;
        this.timeoutNanos = timeoutNanos;
        this.baseThreads = threads;
        this.maxExtra = threads * 8;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "resourceguard-" + guardName + "-action-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory, (r, p) -> r.run());
    }

    /** Runs {@code action} on the pool (on the caller once the pool is shut down). */
    void execute(String what, Runnable action) {
        try {
            pool.execute(() -> run(what, action));
        } catch (RejectedExecutionException e) {
            run(what, action);
        }
    }

    private void run(String what, Runnable action) {
        Thread me = Thread.currentThread();
        Running r = new Running(what, ticker.read());
        running.put(me, r);
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            log.warn("action '{}' failed", what, e);
        } finally {
            running.remove(me);
            if (r.hung) {
                log.info("hung action '{}' returned after {} ms", what, (ticker.read() - r.start) / 1_000_000);
                shrink();
            }
            if (me.getName().contains("-action-")) {
                Thread.interrupted(); // an interrupt aimed at a hung action must not hit the next one
            }
        }
    }

    /** Reports actions past the timeout; calls {@code onHung(what, thread)} once for each. */
    void checkHung(BiConsumer<String, Thread> onHung) {
        if (running.isEmpty()) {
            return;
        }
        long now = ticker.read();
        for (Map.Entry<Thread, Running> e : running.entrySet()) {
            Running r = e.getValue();
            if (!r.hung && now - r.start - timeoutNanos >= 0) {
                r.hung = true;
                onHung.accept(r.what, e.getKey()); // reported before the pool grows and the queue moves on
                grow();
                if (running.get(e.getKey()) == r) {
                    e.getKey().interrupt();
                }
            }
        }
    }

    private synchronized void grow() {
        if (extra < maxExtra) {
            extra++;
            pool.setMaximumPoolSize(baseThreads + extra);
            pool.setCorePoolSize(baseThreads + extra);
        }
    }

    private synchronized void shrink() {
        if (extra > 0) {
            extra--;
            pool.setCorePoolSize(baseThreads + extra);
            pool.setMaximumPoolSize(baseThreads + extra);
        }
    }

    int hungNow() {
        int n = 0;
        for (Running r : running.values()) {
            if (r.hung) {
                n++;
            }
        }
        return n;
    }

    void shutdown(long waitNanos) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(waitNanos, TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
