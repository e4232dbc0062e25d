package dev.resourceguard.browser;

import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a browser ends: cancelled, crashed, closed by its user, or taken away by the guard. The hard part
 * is the threads.
 *
 * <p>Playwright is not thread-safe, and a thread blocked in a Playwright call must not be interrupted
 * (the connection breaks). So only the browser's <em>owner thread</em> (see {@link BrowserSession}) makes
 * Playwright calls. Everything else that can end a browser runs on other threads — the guard's action
 * threads (deadline cancels, force-closes after the grace period, sweeps, shutdown), its watchdog (a
 * collected handle), the JVM's shutdown hook, the {@link Watcher} — and acts on processes only:
 *
 * <pre>
 *   cancel (any thread)          kill the browser tree (SIGKILL); the driver lives, so a call blocked in
 *                                Playwright fails within milliseconds (TargetClosedError) and the owner
 *                                closes up normally
 *   close on the owner thread    browser.close(), playwright.close(); then SIGKILL whatever survived and
 *                                verify that every process is gone
 *   close on another thread      kill the browser tree, let the driver remove its temp dirs, kill the
 *                                driver, verify; Playwright's pipe is closed later (closeJavaSideLater)
 * </pre>
 *
 * <p><b>Death.</b> A browser whose main process or driver is gone is dead. The {@link Watcher} notices
 * (Playwright would only notice at the owner's next call) and closes the browser's contexts, pages and
 * handle with cause FAILED, or with the cause of the cancel that killed it. It leaves alone handles that
 * are being cancelled: while the guard cancels a task, an open descendant that forbids interrupts is what
 * keeps the guard from interrupting the task's thread, so closing it right after the kill would race that
 * decision; such handles are closed by their owner (whose blocked call just failed) or by the guard's
 * force-close.
 *
 * <p><b>Verification.</b> Every release ends by waiting up to the kill grace for every recorded process to
 * be gone (a zombie counts: it holds nothing, and only its parent can reap it), killing stragglers again,
 * and reporting survivors; then the browser's temporary directories are removed.
 */
final class Teardown {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);

    /**
     * How long a close through Playwright may take before the processes are killed under it (which makes
     * the blocked {@code browser.close()} or {@code playwright.close()} return): a wedged Chromium must not
     * hold its owner's thread, and a closing handle is beyond the reach of the guard's deadlines.
     */
    static final long GRACEFUL_CLOSE_LIMIT_MILLIS = 10_000;

    private Teardown() {}

    /** The cancel action of browser, context and page handles: kill the browser tree. Any thread. */
    static void kill(BrowserSession s, CloseCause cause, String reason) {
        s.markDead(cause, reason);
        if (!s.killed.compareAndSet(false, true)) {
            return; // a page, its context and its browser are often cancelled together
        }
        if (s.tree.main().isPresent()) {
            s.tree.killBrowser();
        } else {
            // Still launching: kill what the driver started, and the driver, so that the launch call fails.
            s.tree.driver().ifPresent(d -> {
                d.descendants().forEach(ProcessHandle::destroyForcibly);
                d.destroyForcibly();
            });
        }
        LOG.debug("[{}] killed {}: {}", s.guard.config().name(), s.describe(), reason);
        Watcher.wake();
    }

    /** Called by the watcher: notices a death and closes the handles of a dead browser. */
    static void poll(BrowserSession s) {
        if (s.released.isDone()) {
            Watcher.unwatch(s);
            return;
        }
        if (s.isRecycling() || s.releasing.get()) {
            return;
        }
        CloseCause cause = s.deathCause().orElse(null);
        if (cause == null) {
            ProcessHandle main = s.tree.main().orElse(null);
            if (main != null && ProcFs.isGone(main)) {
                s.markDead(CloseCause.FAILED, "browser process " + main.pid() + " exited");
            } else if (s.tree.driver().isPresent() && !s.tree.driverAlive()) {
                s.markDead(
                        CloseCause.FAILED,
                        "Playwright driver process " + s.tree.driver().get().pid() + " exited");
            } else {
                return;
            }
            cause = s.deathCause().orElseThrow();
            LOG.warn(
                    "[{}] {} died ({}); closing its handles",
                    s.guard.config().name(),
                    s.describe(),
                    s.deathReason().orElse("?"));
        }
        s.closeChildren(cause, true);
        Handle<BrowserSession> h = s.handle();
        if (h == null) {
            release(s, cause); // the facade was collected; the guard closes the entry as leaked
        } else if (h.state() == HandleState.OPEN) {
            h.close(cause);
        }
    }

    /** The close action of the browser handle. */
    static void release(BrowserSession s, CloseCause cause) {
        if (!s.releasing.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        boolean owner = Thread.currentThread() == s.ownerThread;
        Runnable cancelLimit = () -> {};
        try {
            s.closeChildren(cause, true);
            s.dropDeferred();
            if (owner) {
                cancelLimit = Watcher.later(GRACEFUL_CLOSE_LIMIT_MILLIS, () -> {
                    if (!s.released.isDone()) {
                        LOG.warn(
                                "[{}] closing {} through Playwright took over {} ms; killing its processes",
                                s.guard.config().name(),
                                s.describe(),
                                GRACEFUL_CLOSE_LIMIT_MILLIS);
                        s.tree.killBrowser();
                        s.tree.killDriver();
                    }
                });
                if (s.deathCause().isEmpty() && s.browser != null) {
                    try {
                        s.browser.close();
                    } catch (PlaywrightException e) {
                        LOG.debug("browser.close() failed", e);
                    }
                }
                closeJavaSide(s);
                s.tree.killBrowser(); // whatever outlived the close (a renderer still exiting)
            } else {
                s.tree.killBrowser();
                awaitTempDirRemoved(s);
                s.tree.killDriver();
                closeJavaSideLater(s, 0);
            }
            List<ProcessHandle> survivors = s.tree.awaitGone(s.options.killGrace());
            if (!survivors.isEmpty()) {
                LOG.warn(
                        "[{}] {} process(es) of {} survived SIGKILL for {} ms: {}",
                        s.guard.config().name(),
                        survivors.size(),
                        s.describe(),
                        s.options.killGrace().toMillis(),
                        survivors.stream().map(ProcessHandle::pid).toList());
            }
            deleteTempDirs(s);
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "[{}] released {} ({}, {}) in {} ms; zombies awaiting their parent: {}",
                        s.guard.config().name(),
                        s.describe(),
                        cause,
                        owner ? "closed through Playwright" : "killed",
                        (System.nanoTime() - t0) / 1_000_000,
                        s.tree.zombies());
            }
        } finally {
            cancelLimit.run();
            Watcher.unwatch(s);
            s.released.complete(cause);
        }
    }

    /**
     * Closes Playwright's pipe and its reader and writer threads. Only on the owner thread, or once the
     * driver is dead and Playwright's reader has seen the end of the pipe: closing the pipe first would
     * leave a call still waiting for an answer waiting forever (the reader then records no error).
     */
    static void closeJavaSide(BrowserSession s) {
        if (s.playwright != null && s.javaClosed.compareAndSet(false, true)) {
            Playwrights.closeQuietly(s.playwright);
        }
    }

    /** The owner's close, after another thread released the browser: just the Java side. */
    static void closeJavaSideIfOwner(BrowserSession s) {
        if (s.releasing.get() && Thread.currentThread() == s.ownerThread) {
            closeJavaSide(s);
        }
    }

    private static void closeJavaSideLater(BrowserSession s, int attempt) {
        if (s.playwright == null || s.javaClosed.get()) {
            return;
        }
        Watcher.later(1000, () -> {
            if (!s.tree.driverAlive()) {
                closeJavaSide(s);
            } else if (attempt < 10) {
                s.tree.killDriver();
                closeJavaSideLater(s, attempt + 1);
            }
        });
    }

    /**
     * After a kill, the driver notices the exit and removes the browser's profile and artifact directories
     * (only it knows the latter); give it up to the kill grace, usually a few milliseconds.
     */
    private static void awaitTempDirRemoved(BrowserSession s) {
        Path dir = s.userDataDir;
        if (dir == null || !s.tree.driverAlive()) {
            return;
        }
        long deadline = System.nanoTime() + s.options.killGrace().toNanos();
        while (Files.exists(dir) && s.tree.driverAlive() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(2_000_000);
        }
    }

    static void deleteTempDirs(BrowserSession s) {
        for (Path dir : new Path[] {s.userDataDir, s.browserTmp}) {
            if (dir != null && Files.exists(dir)) {
                Marker.deleteRecursively(dir);
            }
        }
    }
}
