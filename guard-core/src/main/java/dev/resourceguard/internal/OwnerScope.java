package dev.resourceguard.internal;

import dev.resourceguard.Scope;

/** Restores the thread's previous owner when closed. */
final class OwnerScope implements Scope {
    private final Entry entry;
    private final Entry previous;
    private final boolean ownsRunner;
    private final Thread thread;
    private boolean closed;

    OwnerScope(Entry entry, Entry previous, boolean ownsRunner) {
        this.entry = entry;
        this.previous = previous;
        this.ownsRunner = ownsRunner;
        this.thread = Thread.currentThread();
        DefaultGuard.CURRENT.set(entry);
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
