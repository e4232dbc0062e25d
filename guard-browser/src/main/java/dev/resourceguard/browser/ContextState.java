package dev.resourceguard.browser;

import com.microsoft.playwright.BrowserContext;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The resource behind a context handle: the Playwright context, its open pages, and what to do when it
 * is released (a pool takes its browser back). Refers to its handle only weakly.
 */
final class ContextState {
    private final BrowserSession session;
    private final BiConsumer<ContextState, CloseCause> onRelease;
    private final ConcurrentLinkedDeque<PageState> pages = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile WeakReference<Handle<ContextState>> self = new WeakReference<>(null);
    private volatile String description = "context";
    volatile BrowserContext context;

    ContextState(BrowserSession session, BiConsumer<ContextState, CloseCause> onRelease) {
        this.session = session;
        this.onRelease = onRelease;
    }

    BrowserSession session() {
        return session;
    }

    void bind(Handle<ContextState> handle) {
        self = new WeakReference<>(handle);
        description = handle.describe();
    }

    Handle<ContextState> handle() {
        return self.get();
    }

    void touch() {
        Handle<ContextState> h = self.get();
        if (h != null) {
            h.touch();
        }
        session.touch();
    }

    String describe() {
        return description;
    }

    CloseCause cancelCause() {
        Handle<ContextState> h = self.get();
        return h == null ? CloseCause.CANCELLED : h.closeCause().orElse(CloseCause.CANCELLED);
    }

    void addPage(PageState p) {
        pages.add(p);
    }

    void removePage(PageState p) {
        pages.remove(p);
    }

    int openPages() {
        return pages.size();
    }

    /** Closes the open pages' handles, newest first. */
    void closePages(CloseCause cause) {
        closePages(cause, false);
    }

    /** As {@link #closePages(CloseCause)}; with {@code spareCancelling}, leaves cancelling pages alone. */
    void closePages(CloseCause cause, boolean spareCancelling) {
        for (Iterator<PageState> it = pages.descendingIterator(); it.hasNext(); ) {
            it.next().closeHandle(cause, spareCancelling);
        }
    }

    /** Closes the pages, then the handle (so the pages close with {@code cause}'s child cause, not as leaked). */
    void closeHandle(CloseCause cause) {
        closeHandle(cause, false);
    }

    /**
     * As {@link #closeHandle(CloseCause)}. With {@code spareCancelling}, a cancelling handle (and a
     * cancelling page) is left to its escalation ladder: while the guard cancels a task, a descendant that
     * is still open is what stops it from interrupting the task's thread (see BrowserSession#poll).
     */
    void closeHandle(CloseCause cause, boolean spareCancelling) {
        Handle<ContextState> h = self.get();
        if (spareCancelling && h != null && h.state() == HandleState.CANCELLING) {
            return;
        }
        closePages(BrowserSession.childCause(cause), spareCancelling);
        if (h != null) {
            h.close(cause);
        } else {
            release(cause);
        }
    }

    /** The close action: pages first, then the Playwright context, then the release hook. */
    void release(CloseCause cause) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            session.removeContext(this);
            closePages(BrowserSession.childCause(cause));
            BrowserContext c = context;
            if (c != null) {
                session.playwrightClose(c::close);
            }
        } finally {
            if (onRelease != null) {
                onRelease.accept(this, cause);
            }
        }
    }
}
