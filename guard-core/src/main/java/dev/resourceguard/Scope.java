package dev.resourceguard;

/**
 * The period during which a handle is the current owner of a thread; see {@link Handle#enter()}.
 * Closing the scope restores the previous owner. Must be closed on the thread that opened it.
 */
public interface Scope extends AutoCloseable {

    /** Restores the previous owner of the thread. */
    @Override
    void close();
}
