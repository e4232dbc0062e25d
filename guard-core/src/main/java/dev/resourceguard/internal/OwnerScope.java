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
    /** The entering thread's state, where the current owner is kept. */
    private final ThreadState state;

    private boolean closed;

    OwnerScope(Handle<Object> handle, Entry entry, Entry previous, boolean ownsRunner, ThreadState state) {
        this.handle = handle;
        this.entry = entry;
        this.previous = previous;
        this.ownsRunner = ownsRunner;
        this.thread = Thread.currentThread();
        this.state = state;
        state.current = entry;
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
        state.current = previous;
        entry.exit(ownsRunner);
    }
}
