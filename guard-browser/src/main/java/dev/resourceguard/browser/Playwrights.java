package dev.resourceguard.browser;

import com.microsoft.playwright.Playwright;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Playwright drivers and finds their processes.
 *
 * <p><b>Daemon threads.</b> Playwright's pipe reader and writer threads inherit their daemon flag from
 * the thread that calls {@code Playwright.create()}: from {@code main} they keep the JVM alive forever if
 * Playwright is never closed (FIELD-NOTES). This class creates Playwright on a short-lived daemon thread
 * and hands it to the caller through a future (which orders the two threads, as Playwright's threading
 * rule allows), so a forgotten or killed browser never keeps the JVM from exiting.
 *
 * <p><b>Environment.</b> The driver runs with {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1} when a system
 * Chromium is used, {@code TMPDIR} set to this JVM's marked root, and {@code RESOURCEGUARD_JVM} (see
 * {@link Marker}). Playwright keeps the environment of the first {@code create()} in the JVM for every
 * later driver.
 */
final class Playwrights {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);
    private static volatile boolean driverFieldMissing;

    private Playwrights() {}

    /**
     * Starts a driver. Waits at most {@code timeout} (none if zero) for it to answer; a driver that does
     * not is abandoned (its thread is a daemon, and a late Playwright is closed at once).
     */
    static Playwright create(boolean systemChromium, java.time.Duration timeout) {
        Map<String, String> env = new HashMap<>();
        if (systemChromium) {
            env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        }
        env.put("TMPDIR", Marker.root().toString());
        env.put(Marker.ENV, Marker.JVM);
        CompletableFuture<Playwright> created = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        created.complete(Playwright.create(new Playwright.CreateOptions().setEnv(env)));
                    } catch (Throwable e) {
                        created.completeExceptionally(e);
                    }
                },
                "resourceguard-browser-create");
        t.setDaemon(true);
        t.start();
        try {
            return timeout.isZero()
                    ? created.get()
                    : created.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            created.thenAccept(Playwrights::closeQuietly);
            throw new BrowserLaunchException("the Playwright driver did not start within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            created.thenAccept(Playwrights::closeQuietly);
            throw new BrowserLaunchException("interrupted while the Playwright driver was starting");
        } catch (ExecutionException e) {
            throw new BrowserLaunchException(
                    "the Playwright driver failed to start: " + firstLine(e.getCause()), e.getCause());
        }
    }

    /** The driver process of a Playwright instance (Playwright keeps it in a private field). */
    static Optional<ProcessHandle> driverOf(Playwright playwright) {
        if (driverFieldMissing) {
            return Optional.empty();
        }
        for (Class<?> c = playwright.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("driverProcess");
                f.setAccessible(true);
                Object p = f.get(playwright);
                return p instanceof Process process ? Optional.of(process.toHandle()) : Optional.empty();
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                break;
            }
        }
        driverFieldMissing = true;
        LOG.debug("Playwright's driver process is not reachable by reflection; it is found after launch instead");
        return Optional.empty();
    }

    /**
     * The browser's main process: the process carrying {@code marker} among the driver's children, or
     * among this JVM's descendants when the driver is unknown.
     */
    static Optional<ProcessHandle> findMain(Optional<ProcessHandle> driver, String marker) {
        List<ProcessHandle> candidates = driver.isPresent() && driver.get().isAlive()
                ? driver.get().children().toList()
                : ProcessHandle.current().descendants().toList();
        for (ProcessHandle p : candidates) {
            if (ProcFs.cmdline(p.pid()).contains(marker)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static void closeQuietly(Playwright playwright) {
        if (playwright == null) {
            return;
        }
        try {
            playwright.close();
        } catch (RuntimeException e) {
            LOG.debug("closing Playwright failed", e);
        }
    }

    static String firstLine(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        m = m.strip();
        // Playwright messages look like "Error {\n  message='...'\n ...": show the message line.
        int at = m.indexOf("message='");
        if (at >= 0) {
            int end = m.indexOf('\n', at);
            m = m.substring(at + 9, end < 0 ? m.length() : end);
            if (m.endsWith("'")) {
                m = m.substring(0, m.length() - 1);
            }
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
