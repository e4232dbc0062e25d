package dev.resourceguard.browser;

import com.microsoft.playwright.Page;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;

/**
 * A Playwright {@link Page} tracked as a handle of kind {@code page}. A page made by {@link
 * GuardedBrowser#newPage()} has a context of its own, closed with it.
 *
 * <p>Cancelling the handle (or the deadline of the task that owns it) kills the browser, so that a thread
 * blocked in a Playwright call on this page is freed at once. Use it from one thread at a time; {@link
 * #close()} is idempotent and safe from any thread.
 */
public final class GuardedPage implements AutoCloseable {

    private final Handle<PageState> handle;
    private final PageState state;
    private final GuardedContext ownContext;

    GuardedPage(Handle<PageState> handle, GuardedContext ownContext) {
        this.handle = handle;
        this.state = handle.get();
        this.ownContext = ownContext;
    }

    /** The Playwright page. */
    public Page page() {
        state.session().use();
        return state.page;
    }

    /** The page's handle: its state, close cause, owner, deadline ({@link Handle#setTimeout}). */
    public Handle<?> handle() {
        return handle;
    }

    public boolean isOpen() {
        return handle.state() != HandleState.CLOSED;
    }

    /** Closes the page (and its own context, if it has one). A page of a browser that died closes with its cause. */
    @Override
    public void close() {
        handle.close(state.session().closeCause());
        if (ownContext != null) {
            ownContext.close();
        }
        Teardown.closeJavaSideIfOwner(state.session());
    }

    @Override
    public String toString() {
        return "GuardedPage{" + handle.describe() + " " + handle.state()
                + handle.closeCause().map(c -> " (" + c + ")").orElse("") + '}';
    }
}
