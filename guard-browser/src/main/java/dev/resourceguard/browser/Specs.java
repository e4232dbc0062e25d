package dev.resourceguard.browser;

import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ResourceKinds;
import java.time.Duration;
import java.util.Optional;

/**
 * The handle specs of browsers, contexts and pages, and the rule that places a new context or page in the
 * ownership tree.
 *
 * <p>All three forbid interrupting their owner's thread (an interrupt breaks Playwright's connection) and
 * cancel by killing the browser's process tree, which frees a blocked Playwright call within
 * milliseconds. A browser is meant to live long, so age-based leak reports are off for it.
 */
final class Specs {

    static final HandleSpec<BrowserSession> BROWSER = HandleSpec.<BrowserSession>builder(ResourceKinds.BROWSER)
            .onCancel(s -> Teardown.kill(s, s.cancelCause(), "its handle was cancelled"))
            .onClose(Teardown::release)
            .cost(BrowserSession::residentBytes)
            .forbidOwnerInterrupt(true)
            .leakThreshold(Duration.ZERO)
            .build();

    static final HandleSpec<ContextState> CONTEXT = HandleSpec.<ContextState>builder(ResourceKinds.CONTEXT)
            .onCancel(c -> Teardown.kill(c.session(), c.cancelCause(), c.describe() + " was cancelled"))
            .onClose(ContextState::release)
            .forbidOwnerInterrupt(true)
            .build();

    static final HandleSpec<PageState> PAGE = HandleSpec.<PageState>builder(ResourceKinds.PAGE)
            .onCancel(p -> Teardown.kill(p.session(), p.cancelCause(), p.describe() + " was cancelled"))
            .onClose(PageState::release)
            .forbidOwnerInterrupt(true)
            .build();

    private Specs() {}

    /**
     * Places {@code child} under its Playwright parent (a context under its browser, a page under its
     * context) when that keeps it inside the calling thread's current owner: when there is no current
     * owner, or the current owner is an ancestor of the parent. Otherwise it stays a child of the current
     * owner, so that the owner's deadline still reaches it (a pooled browser's context opened by a task).
     */
    static void attach(ResourceGuard guard, Handle<?> child, Handle<?> parent) {
        Optional<HandleView> current = guard.currentOwner();
        if (current.isEmpty() || isAncestorOrSelf(current.get(), parent)) {
            child.transferTo(parent);
        }
    }

    private static boolean isAncestorOrSelf(HandleView ancestor, HandleView of) {
        for (HandleView v = of; v != null; v = v.owner().orElse(null)) {
            if (v.id() == ancestor.id()) {
                return true;
            }
        }
        return false;
    }
}
