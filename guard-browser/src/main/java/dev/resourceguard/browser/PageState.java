package dev.resourceguard.browser;

import com.microsoft.playwright.Page;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The resource behind a page handle. It refers to its handle only weakly, so that a {@link GuardedPage}
 * dropped while open is collected and reported as leaked.
 */
final class PageState {
    private final ContextState context;
    private final boolean ownsContext;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile WeakReference<Handle<PageState>> self = new WeakReference<>(null);
    private volatile String description = "page";
    volatile Page page;

    PageState(ContextState context, boolean ownsContext) {
        this.context = context;
        this.ownsContext = ownsContext;
    }

    BrowserSession session() {
        return context.session();
    }

    ContextState context() {
        return context;
    }

    void bind(Handle<PageState> handle) {
        self = new WeakReference<>(handle);
        description = handle.describe();
    }

    void touch() {
        Handle<PageState> h = self.get();
        if (h != null) {
            h.touch();
        }
        context.touch();
    }

    String describe() {
        return description;
    }

    CloseCause cancelCause() {
        Handle<PageState> h = self.get();
        return h == null ? CloseCause.CANCELLED : h.closeCause().orElse(CloseCause.CANCELLED);
    }

    /** Closes the handle (or, if its facade was already collected, releases directly). */
    void closeHandle(CloseCause cause) {
        closeHandle(cause, false);
    }

    /** As {@link #closeHandle(CloseCause)}; with {@code spareCancelling}, leaves a cancelling handle alone. */
    void closeHandle(CloseCause cause, boolean spareCancelling) {
        Handle<PageState> h = self.get();
        if (spareCancelling && h != null && h.state() == HandleState.CANCELLING) {
            return;
        }
        if (h != null) {
            h.close(cause);
        } else {
            release(cause);
        }
    }

    /** The close action. */
    void release(CloseCause cause) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        context.removePage(this);
        Page p = page;
        if (p != null) {
            session().playwrightClose(() -> {
                if (!p.isClosed()) {
                    p.close();
                }
            });
        }
        if (ownsContext) {
            context.closeHandle(BrowserSession.childCause(cause));
        }
    }
}
