package dev.resourceguard.browser;

import com.microsoft.playwright.BrowserContext;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;

/**
 * A Playwright {@link BrowserContext} tracked as a handle of kind {@code context}: opened by {@link
 * GuardedBrowser#newContext()} or leased from a {@link BrowserPool}. Closing it closes its pages first
 * (and gives a leased browser back to its pool). Its navigation and action timeouts default to those of
 * the {@link BrowserOptions}.
 *
 * <p>Cancelling the handle (or the deadline of the task that owns it) kills the browser, so that a thread
 * blocked in a Playwright call is freed at once. Use it from one thread at a time; {@link #close()} is
 * idempotent and safe from any thread.
 */
public final class GuardedContext implements AutoCloseable {

    private final Handle<ContextState> handle;
    private final ContextState state;

    GuardedContext(Handle<ContextState> handle) {
        this.handle = handle;
        this.state = handle.get();
    }

    /** The Playwright context. */
    public BrowserContext context() {
        state.session().use();
        return state.context;
    }

    /** Opens a page in this context, tracked as a child of this context's handle. */
    public GuardedPage newPage() {
        return newPage(false);
    }

    GuardedPage newPage(boolean ownsContext) {
        return new GuardedPage(state.session().newPage(state, handle, ownsContext), ownsContext ? this : null);
    }

    /** The context's handle: its state, close cause, owner, deadline ({@link Handle#setTimeout}). */
    public Handle<?> handle() {
        return handle;
    }

    public boolean isOpen() {
        return handle.state() != HandleState.CLOSED;
    }

    /** Closes the open pages, then the context. A context of a browser that died closes with its cause. */
    @Override
    public void close() {
        state.closePages(BrowserSession.childCause(state.session().closeCause()));
        handle.close(state.session().closeCause());
        Teardown.closeJavaSideIfOwner(state.session());
    }

    @Override
    public String toString() {
        return "GuardedContext{" + handle.describe() + " " + handle.state()
                + handle.closeCause().map(c -> " (" + c + ")").orElse("") + '}';
    }
}
