package dev.resourceguard.browser;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread, {@code resourceguard-browser-watcher}, for every open browser of the JVM: every
 * {@link #INTERVAL_MILLIS} ms it checks that each browser's main process and driver still run (two small
 * {@code /proc} reads), and closes the handles of a browser that died. It also runs delayed clean-ups. It
 * runs only while there is something to watch, and never calls Playwright on a live connection.
 *
 * <p>Playwright alone notices a dead browser only when its owning thread next calls it; an idle browser
 * that crashed would hold its quota and its memory until then.
 */
final class Watcher {

    static final long INTERVAL_MILLIS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);
    private static final Watcher INSTANCE = new Watcher();

    private final Set<BrowserSession> sessions = ConcurrentHashMap.newKeySet();
    private final List<Delayed> delayed = new ArrayList<>(); // guarded by this
    private Thread thread; // guarded by this

    /** A delayed task; identity matters (two may be equal), so not a record. */
    private static final class Delayed {
        final long dueNanos;
        final Runnable task;

        Delayed(long dueNanos, Runnable task) {
            this.dueNanos = dueNanos;
            this.task = task;
        }
    }

    private Watcher() {}

    static void watch(BrowserSession s) {
        INSTANCE.sessions.add(s);
        INSTANCE.ensureRunning();
    }

    static void unwatch(BrowserSession s) {
        INSTANCE.sessions.remove(s);
    }

    /**
     * Runs {@code task} on the watcher thread in {@code delayMillis} ms or a little later, unless the
     * returned action cancels it first.
     */
    static Runnable later(long delayMillis, Runnable task) {
        Delayed d = new Delayed(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), task);
        synchronized (INSTANCE) {
            INSTANCE.delayed.add(d);
        }
        INSTANCE.ensureRunning();
        return () -> {
            synchronized (INSTANCE) {
                INSTANCE.delayed.remove(d);
            }
        };
    }

    /** Checks the browsers now rather than at the next interval. */
    static void wake() {
        Thread t;
        synchronized (INSTANCE) {
            t = INSTANCE.thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private synchronized void ensureRunning() {
        if (thread == null) {
            thread = new Thread(this::run, "resourceguard-browser-watcher");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        while (true) {
            for (BrowserSession s : sessions) {
                try {
                    Teardown.poll(s);
                } catch (RuntimeException | Error e) {
                    LOG.warn("checking browser {} failed", s, e);
                }
            }
            List<Runnable> due = new ArrayList<>();
            synchronized (this) {
                long now = System.nanoTime();
                for (Iterator<Delayed> it = delayed.iterator(); it.hasNext(); ) {
                    Delayed d = it.next();
                    if (now - d.dueNanos >= 0) {
                        due.add(d.task);
                        it.remove();
                    }
                }
            }
            for (Runnable r : due) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("browser clean-up failed", e);
                }
            }
            synchronized (this) {
                if (sessions.isEmpty() && delayed.isEmpty()) {
                    thread = null;
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
        }
    }
}
