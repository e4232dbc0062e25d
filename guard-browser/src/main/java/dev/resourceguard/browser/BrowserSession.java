package dev.resourceguard.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleClosedException;
import dev.resourceguard.ResourceGuard;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launched browser, the resource behind a browser handle: its Playwright instance (one driver per
 * browser, so that browsers used by different threads never share a connection), the {@code Browser}, its
 * processes and its open contexts. {@link Launcher} starts it, {@link Teardown} ends it.
 *
 * <p><b>The owner thread</b> is the last thread that used the browser through this module: launched it,
 * opened a context or page, asked for the {@code Browser}, {@code Page} or {@code BrowserContext}, or
 * leased it from a pool. Only the owner thread makes Playwright calls here; a close, or a page or context
 * closed on another thread, queues its Playwright call for the owner's next use (or drops it, if the
 * browser is gone by then). Two threads calling Playwright at once already break Playwright's own rule.
 *
 * <p>The session refers to its handle only weakly, so that a {@link GuardedBrowser} dropped while open is
 * collected, reported as leaked, and killed.
 */
final class BrowserSession {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);

    /** Why the browser died or was killed. */
    private record Death(CloseCause cause, String reason) {}

    /** A Playwright call that releases something. */
    @FunctionalInterface
    interface PlaywrightCall {
        void run();
    }

    final ResourceGuard guard;
    final BrowserOptions options;
    final ChromiumLocator.Choice chromium;
    final ProcessTree tree = new ProcessTree();
    final CompletableFuture<CloseCause> released = new CompletableFuture<>();
    final AtomicBoolean releasing = new AtomicBoolean();
    final AtomicBoolean killed = new AtomicBoolean();
    final AtomicBoolean javaClosed = new AtomicBoolean();
    private final ConcurrentLinkedDeque<ContextState> contexts = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedQueue<PlaywrightCall> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Death> death = new AtomicReference<>();
    private final AtomicInteger pagesSinceLaunch = new AtomicInteger();
    private final AtomicInteger pagesOpened = new AtomicInteger();
    private final AtomicInteger recycles = new AtomicInteger();

    volatile Thread ownerThread;
    volatile Playwright playwright;
    volatile Browser browser;
    volatile Path userDataDir;
    volatile Path browserTmp;
    private volatile boolean recycling;
    /** Set when the whole browser is being closed: its pages and contexts need no Playwright close. */
    private volatile boolean closingAll;

    private volatile WeakReference<Handle<BrowserSession>> self = new WeakReference<>(null);
    private volatile String description = "browser";

    BrowserSession(ResourceGuard guard, BrowserOptions options, ChromiumLocator.Choice chromium) {
        this.guard = guard;
        this.options = options;
        this.chromium = chromium;
    }

    void bind(Handle<BrowserSession> handle) {
        self = new WeakReference<>(handle);
        description = handle.describe();
    }

    /** The handle, or {@code null} once its facade was collected. */
    Handle<BrowserSession> handle() {
        return self.get();
    }

    /** Called by the launcher with each new browser (the first and recycled ones). */
    void launched(Browser b) {
        pagesSinceLaunch.set(0);
        browser = b;
        b.onDisconnected(this::disconnected);
    }

    // ---- the owner thread

    /** Makes the calling thread the owner and runs Playwright closes queued by other threads. */
    void use() {
        ownerThread = Thread.currentThread();
        PlaywrightCall c;
        while ((c = deferred.poll()) != null) {
            if (isAlive()) {
                try {
                    c.run();
                } catch (PlaywrightException e) {
                    LOG.debug("deferred Playwright close failed", e);
                }
            }
        }
    }

    /** Opens a context (recycling the browser first if it is due and nothing is open). */
    Handle<ContextState> newContext(
            Handle<?> parent,
            Browser.NewContextOptions contextOptions,
            BiConsumer<ContextState, CloseCause> onRelease) {
        use();
        checkUsable();
        if (contexts.isEmpty() && needsRecycle()) {
            recycle();
        }
        ContextState cs = new ContextState(this, onRelease);
        Handle<ContextState> h = guard.track(cs, Specs.CONTEXT);
        cs.bind(h);
        contexts.add(cs);
        try {
            Specs.attach(guard, h, parent);
            BrowserContext c = browser.newContext(contextOptions);
            c.setDefaultNavigationTimeout(millis(options.navigationTimeout()));
            c.setDefaultTimeout(millis(options.actionTimeout()));
            cs.context = c;
            c.onClose(x -> cs.closeHandle(closeCause()));
        } catch (RuntimeException | Error e) {
            h.close(CloseCause.FAILED);
            throw e;
        }
        touch();
        return h;
    }

    /** Opens a page in {@code cs}; {@code ownsContext}: closing the page closes the context too. */
    Handle<PageState> newPage(ContextState cs, Handle<?> contextHandle, boolean ownsContext) {
        use();
        checkUsable();
        PageState ps = new PageState(cs, ownsContext);
        Handle<PageState> h = guard.track(ps, Specs.PAGE);
        ps.bind(h);
        cs.addPage(ps);
        try {
            Specs.attach(guard, h, contextHandle);
            Page p = cs.context.newPage();
            ps.page = p;
            p.onClose(x -> ps.closeHandle(closeCause()));
            p.onLoad(x -> ps.touch());
        } catch (RuntimeException | Error e) {
            h.close(CloseCause.FAILED);
            throw e;
        }
        pagesSinceLaunch.incrementAndGet();
        pagesOpened.incrementAndGet();
        ps.touch();
        return h;
    }

    private void checkUsable() {
        Death d = death.get();
        if (d != null) {
            throw new HandleClosedException(describe() + " is gone: " + d.reason(), d.cause());
        }
        if (releasing.get()) {
            Handle<BrowserSession> h = self.get();
            throw new HandleClosedException(
                    describe() + " is closed", h == null ? null : h.closeCause().orElse(null));
        }
    }

    boolean needsRecycle() {
        int pages = options.recycleAfterPages();
        if (pages > 0 && pagesSinceLaunch.get() >= pages) {
            return true;
        }
        long mb = options.recycleAboveResidentMb();
        return mb > 0 && tree.residentBytes() > (mb << 20);
    }

    /** Closes the browser and launches a new one with the same driver; the handle stays open. */
    private void recycle() {
        String why = "after " + pagesSinceLaunch.get() + " pages, " + (tree.residentBytes() >> 20) + " MiB resident";
        recycling = true;
        try {
            List<ProcessHandle> old = tree.browserProcesses();
            try {
                browser.close();
            } catch (PlaywrightException e) {
                LOG.debug("closing the browser to recycle it failed", e);
            }
            old.forEach(p -> {
                if (!ProcFs.isGone(p)) {
                    p.destroyForcibly();
                }
            });
            ProcessTree.awaitGone(old, options.killGrace());
            Teardown.deleteTempDirs(this);
            tree.clearBrowser();
            Launcher.launchBrowser(this);
            recycles.incrementAndGet();
            LOG.info("[{}] recycled {} {}; now {}", guard.config().name(), describe(), why, tree);
        } catch (RuntimeException e) {
            markDead(CloseCause.FAILED, "relaunch after recycling failed: " + e);
            Watcher.wake();
            throw e;
        } finally {
            recycling = false;
        }
    }

    /**
     * The user's close of the whole browser: its open contexts and pages close with a plain cause (not as
     * leaked), without a Playwright call each ({@code browser.close()} closes them all), then the browser.
     */
    void closeAll(Handle<BrowserSession> handle) {
        closingAll = true;
        CloseCause cause = closeCause();
        closeChildren(cause, false);
        handle.close(cause);
        Teardown.closeJavaSideIfOwner(this);
    }

    /**
     * Closes the open contexts (and their pages), newest first. With {@code spareCancelling}, handles being
     * cancelled are left to the guard's escalation ladder (see {@link Teardown}).
     */
    void closeChildren(CloseCause cause, boolean spareCancelling) {
        CloseCause c = childCause(cause);
        for (Iterator<ContextState> it = contexts.descendingIterator(); it.hasNext(); ) {
            it.next().closeHandle(c, spareCancelling);
        }
    }

    void removeContext(ContextState cs) {
        contexts.remove(cs);
    }

    /** Closes something through Playwright now if this is the owner thread, else queues it for the owner. */
    void playwrightClose(PlaywrightCall call) {
        if (!isAlive() || closingAll) {
            return;
        }
        if (Thread.currentThread() == ownerThread) {
            try {
                call.run();
            } catch (PlaywrightException e) {
                LOG.debug("Playwright close failed", e);
            }
        } else {
            deferred.add(call);
        }
    }

    void dropDeferred() {
        deferred.clear();
    }

    // ---- death

    void markDead(CloseCause cause, String reason) {
        death.compareAndSet(null, new Death(cause, reason));
    }

    Optional<CloseCause> deathCause() {
        Death d = death.get();
        return d == null ? Optional.empty() : Optional.of(d.cause());
    }

    Optional<String> deathReason() {
        Death d = death.get();
        return d == null ? Optional.empty() : Optional.of(d.reason());
    }

    /** Playwright's disconnect event, on the owner thread: note the death; the watcher closes the handles. */
    private void disconnected(Browser b) {
        if (b == browser && !recycling && !releasing.get()) {
            markDead(CloseCause.FAILED, "Playwright reported the browser disconnected");
            Watcher.wake();
        }
    }

    /** The cause a user's close of this browser, or of one of its pages or contexts, should carry now. */
    CloseCause closeCause() {
        Death d = death.get();
        if (d == null && !recycling) {
            ProcessHandle main = tree.main().orElse(null);
            if (main != null && ProcFs.isGone(main)) {
                markDead(CloseCause.FAILED, "browser process " + main.pid() + " exited");
                Watcher.wake();
            }
            d = death.get();
        }
        return d == null ? CloseCause.COMPLETED : d.cause();
    }

    boolean isAlive() {
        return death.get() == null && !releasing.get();
    }

    boolean isRecycling() {
        return recycling;
    }

    // ---- small things

    /** A child of a closing parent closes with the parent's cause if forced or failed, else completed. */
    static CloseCause childCause(CloseCause cause) {
        return cause.wasForced() || cause == CloseCause.FAILED ? cause : CloseCause.COMPLETED;
    }

    /** The cause of the pending cancel of this browser's handle, for the cancel action. */
    CloseCause cancelCause() {
        Handle<BrowserSession> h = self.get();
        return h == null ? CloseCause.CANCELLED : h.closeCause().orElse(CloseCause.CANCELLED);
    }

    void touch() {
        Handle<BrowserSession> h = self.get();
        if (h != null) {
            h.touch();
        }
    }

    long residentBytes() {
        return releasing.get() ? 0 : tree.residentBytes();
    }

    int pagesOpened() {
        return pagesOpened.get();
    }

    int recycles() {
        return recycles.get();
    }

    boolean isJavaClosed() {
        return javaClosed.get();
    }

    Optional<Path> userDataDir() {
        return Optional.ofNullable(userDataDir);
    }

    String describe() {
        return description;
    }

    /** Milliseconds for Playwright, saturated. */
    static double millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return describe() + " [" + tree + "]";
    }
}
