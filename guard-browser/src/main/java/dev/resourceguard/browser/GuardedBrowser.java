package dev.resourceguard.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import dev.resourceguard.ResourceGuard;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A Chromium launched through Playwright and tracked by a {@link ResourceGuard}: a handle of kind {@code
 * browser} that owns a {@link Playwright} (its driver process) and a {@link Browser} (its process tree), and
 * always ends with every one of those processes gone.
 *
 * <pre>{@code
 * try (GuardedBrowser browser = GuardedBrowser.launch(guard);
 *      GuardedPage page = browser.newPage()) {
 *     page.page().navigate(url);
 * }
 * }</pre>
 *
 * <p><b>Deadlines that fire.</b> Contexts and pages opened while a task runs on the thread are that task's
 * children (or their browser's, if the browser is itself inside the task). At the task's deadline the
 * guard cancels them: the browser's process tree is killed, which makes a Playwright call blocked in a
 * navigation fail within milliseconds ({@code TargetClosedError}), whatever Playwright's own timeout. The
 * task's thread is never interrupted (an interrupt would break Playwright's connection). A browser killed
 * this way, or one that crashed or whose driver died, closes with its pages and contexts (cause {@code
 * TIMED_OUT}, {@code FAILED}...) and frees its quota: launch a new one, or use a {@link BrowserPool}, which
 * replaces it.
 *
 * <p><b>No zombie Chromium.</b> Closing verifies that the driver and every process of the browser tree are
 * gone within {@link BrowserOptions#killGrace()}, killing stragglers with SIGKILL; a zombie (dead, not yet
 * reaped by its parent) counts as gone. A handle closed by the guard (deadline, sweep, leak, shutdown —
 * {@link ResourceGuard#installShutdownHook()} makes SIGTERM close every browser) kills the processes
 * without calling Playwright. Browsers left by a JVM that died are killed at a guard's first launch (see
 * {@link #reapOrphans()}).
 *
 * <p><b>Finding Chromium.</b> The {@link BrowserOptions#executable() executable option}; else the system
 * property {@code resourceguard.chromium} or the variable {@code RESOURCEGUARD_CHROMIUM}; else {@code
 * /usr/bin/chromium}, then {@code chromium}, {@code chromium-browser}, {@code google-chrome}, {@code
 * google-chrome-stable} on the {@code PATH}; else Playwright's own downloaded Chromium. A failure lists
 * everything tried.
 *
 * <p><b>Threads.</b> Playwright is not thread-safe: use a browser, its contexts and pages from one thread
 * at a time (normally the thread that launched it). Closing from another thread is safe: it kills the
 * processes instead of calling Playwright. {@link #close()} is idempotent.
 *
 * <p><b>Memory.</b> The handle's cost estimate is the resident size of the driver and browser processes,
 * so memory sweeps reclaim the fattest browser first; {@link BrowserOptions#recycleAfterPages(int)} and
 * {@link BrowserOptions#recycleAboveResidentMb(long)} relaunch the browser (same handle) when no context is
 * open.
 */
public final class GuardedBrowser implements AutoCloseable {

    private final Handle<BrowserSession> handle;
    private final BrowserSession session;

    private GuardedBrowser(Handle<BrowserSession> handle) {
        this.handle = handle;
        this.session = handle.get();
    }

    /** Launches a headless Chromium with the default options. */
    public static GuardedBrowser launch(ResourceGuard guard) {
        return launch(guard, BrowserOptions.defaults());
    }

    /**
     * Launches a Chromium. Waits for the guard's {@code browser} quota (if any) first.
     *
     * @throws BrowserLaunchException if no Chromium is found, or the driver or browser fails to start
     * @throws dev.resourceguard.QuotaExceededException if the {@code browser} quota stays full
     * @throws dev.resourceguard.GuardClosedException if the guard is closed
     */
    public static GuardedBrowser launch(ResourceGuard guard, BrowserOptions options) {
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(options, "options");
        return new GuardedBrowser(Launcher.launch(guard, options, false));
    }

    /**
     * Kills the browsers and drivers a JVM that no longer runs left behind (they carry a marker naming
     * their JVM), and removes its temporary directories. Runs automatically at each guard's first launch
     * unless {@link BrowserOptions#reapOrphans(boolean)} is off; call it at start-up to reap before any
     * launch. Linux only.
     */
    public static ReapReport reapOrphans() {
        return OrphanReaper.reap(BrowserOptions.defaults().killGrace());
    }

    /**
     * The Playwright browser. After a recycle it is a new one: ask again rather than keeping it. Calling
     * this makes the calling thread the browser's user.
     */
    public Browser browser() {
        session.use();
        return session.browser;
    }

    /** The Playwright instance that owns the browser (one per browser). */
    public Playwright playwright() {
        session.use();
        return session.playwright;
    }

    /** Opens a context with the default navigation and action timeouts of the options. */
    public GuardedContext newContext() {
        return newContext(null);
    }

    /** Opens a context with Playwright's context options and the default timeouts of the options. */
    public GuardedContext newContext(Browser.NewContextOptions contextOptions) {
        return new GuardedContext(session.newContext(handle, contextOptions, null));
    }

    /** Opens a page in a new context of its own, closed with the page. */
    public GuardedPage newPage() {
        return newPage(null);
    }

    /** Opens a page in a new context of its own (made with {@code contextOptions}), closed with the page. */
    public GuardedPage newPage(Browser.NewContextOptions contextOptions) {
        GuardedContext context = newContext(contextOptions);
        try {
            return context.newPage(true);
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    /** The browser's handle: its state, close cause, owner, deadline ({@link Handle#setTimeout}). */
    public Handle<?> handle() {
        return handle;
    }

    /** Whether the handle is still open. */
    public boolean isOpen() {
        return handle.state() != HandleState.CLOSED;
    }

    /**
     * The recorded processes: the driver first (if known), then the browser's main process and the others
     * of its tree (a snapshot, kept after close so callers can check they are gone).
     */
    public List<ProcessHandle> processes() {
        if (session.isAlive()) {
            session.tree.refresh();
        }
        return session.tree.all();
    }

    /** The Playwright driver process ({@code node}), if known. */
    public Optional<ProcessHandle> driverProcess() {
        return session.tree.driver();
    }

    /** The browser's main process (the leader of its process group). */
    public Optional<ProcessHandle> browserProcess() {
        return session.tree.main();
    }

    /** The resident size of the driver and browser processes in bytes (0 off Linux or once closed). */
    public long residentBytes() {
        return session.residentBytes();
    }

    /** Pages opened through this browser since launch. */
    public int pagesOpened() {
        return session.pagesOpened();
    }

    /** How often the browser was relaunched by recycling. */
    public int recycles() {
        return session.recycles();
    }

    /**
     * Completes when the browser has been released: its processes were verified gone (or reported as
     * survivors) and its temporary directories removed. Carries the close cause. The guard frees the
     * handle's quota right after.
     */
    public CompletionStage<CloseCause> whenReleased() {
        return session.released.copy();
    }

    /**
     * Closes the open contexts and pages, the browser and the driver, and verifies that every process is
     * gone. On the thread that uses the browser this goes through Playwright; on another thread it kills
     * the processes. A browser that died closes with its cause of death. Idempotent.
     */
    @Override
    public void close() {
        session.closeAll(handle);
    }

    BrowserSession session() {
        return session;
    }

    @Override
    public String toString() {
        return "GuardedBrowser{" + handle.describe() + " " + handle.state()
                + handle.closeCause().map(c -> " (" + c + ")").orElse("") + ", " + session.tree + '}';
    }
}
