package dev.resourceguard;

import java.time.Duration;

/**
 * A tracked resource: an owner, an optional deadline, and a way to cancel and close it.
 *
 * <pre>{@code
 * try (Handle<MyClient> h = guard.track(client, spec)) {
 *     h.get().call();
 * }
 * }</pre>
 *
 * <p>State only moves forward ({@link HandleState}); {@link #close()} is idempotent, safe from any
 * thread, runs the close action exactly once, and closes children first, newest first. A handle that
 * is dropped without being closed is reported as {@link CloseCause#LEAKED} and its resource released
 * once the garbage collector notices (unless reachability tracking is off for its kind).
 *
 * <p>All methods are thread-safe.
 *
 * @param <T> the type of the tracked resource
 */
public interface Handle<T> extends HandleView, AutoCloseable {

    /** The tracked resource. Still returned after close, so that callers can inspect it. */
    T get();

    /**
     * Closes the handle after normal use ({@link CloseCause#COMPLETED}), or with the cause of a pending
     * cancel (a task that returns after its deadline closes as {@link CloseCause#TIMED_OUT}).
     * Children still open are closed first and reported as leaked. Idempotent.
     */
    @Override
    void close();

    /**
     * Closes the handle with the given cause. Returns {@code true} if this call closed it, {@code false}
     * if it was already closed.
     */
    boolean close(CloseCause cause);

    /**
     * Cancels the work this handle represents: runs the cancel actions of its children (newest first),
     * then its own (for a task, interrupt its thread unless a child forbids it). The handle moves to
     * {@link HandleState#CANCELLING} and stays open until its owner closes it. Returns {@code true} if
     * this call started the cancel.
     */
    boolean cancel();

    /**
     * As {@link #cancel()}, with the cause the handle will close with: {@link CloseCause#TIMED_OUT} for
     * a straggler a caller gave up on, {@link CloseCause#SWEPT}, {@link CloseCause#SHUTDOWN}...
     *
     * @throws IllegalArgumentException if the cause is not a forced one ({@link CloseCause#wasForced()})
     */
    boolean cancel(CloseCause cause);

    /**
     * Closes now what the escalation ladder would close after the grace period: for a handle whose
     * thread is still running, its children (with the pending cancel cause, or {@link
     * CloseCause#CANCELLED}); for any other handle, the handle itself. For callers that cannot wait for
     * the ladder, such as a gather returning at its timeout.
     */
    void forceClose();

    /**
     * Makes this handle the current owner on the calling thread, and the calling thread its runner:
     * handles opened on this thread until the scope closes become its children, and cancelling it
     * interrupts this thread. Scopes nest; close them in reverse order (try-with-resources).
     *
     * @throws HandleClosedException if the handle is closed
     */
    Scope enter();

    /** Records activity now; sweeps treat a handle idle for long as reclaimable. Cheap (one write). */
    void touch();

    /** Detaches from the owner: the handle becomes a root and outlives its former owner. */
    void detach();

    /**
     * Moves the handle under a new owner.
     *
     * @throws IllegalArgumentException if {@code newOwner} is this handle or one of its descendants,
     *     or belongs to another guard
     * @throws HandleClosedException if either handle is closed
     */
    void transferTo(Handle<?> newOwner);

    /**
     * Sets a new deadline {@code timeout} from now, replacing any previous one.
     *
     * @throws IllegalArgumentException if the timeout is negative or zero
     */
    void setTimeout(Duration timeout);

    /** Removes the deadline. */
    void clearDeadline();

    /** Updates the cost estimate used to order memory sweeps. */
    void setCostBytes(long bytes);

    /**
     * Throws {@link HandleClosedException} ("task 'x' #3 already closed (cause=TIMED_OUT)") unless the
     * handle is open.
     */
    void checkOpen();
}
