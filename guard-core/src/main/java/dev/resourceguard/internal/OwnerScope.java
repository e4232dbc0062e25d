package dev.resourceguard.internal;

import dev.resourceguard.EnteredHandle;
import dev.resourceguard.Handle;

/**
 * Restores the thread's previous owner when closed. Also the result of {@code trackAndEnter}, whose
 * handle it gives; for {@link Handle#enter()} the handle is the entry's facade.
 */
final class OwnerScope implements EnteredHandle<Object> {
    private final Handle<Object> handle;
    private final Entry entry;
    private final Entry previous;
    private final boolean ownsRunner;
    private final Thread thread;
    private boolean closed;

    OwnerScope(Handle<Object> handle, Entry entry, Entry previous, boolean ownsRunner) {
        this.handle = handle;
        this.entry = entry;
        this.previous = previous;
        this.ownsRunner = ownsRunner;
        this.thread = Thread.currentThread();
        DefaultGuard.CURRENT.set(entry);
    }

    @Override
    public Handle<Object> handle() {
        return handle;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("scope of " + entry.describe() + " must be closed on the thread that"
                    + " entered it (" + thread.getName() + "), not on "
                    + Thread.currentThread().getName());
        }
        closed = true;
        if (previous == null) {
            DefaultGuard.CURRENT.set(null); // cheaper than remove(); the thread keeps one slot
        } else {
            DefaultGuard.CURRENT.set(previous);
        }
        entry.exit(ownsRunner);
    }
}
