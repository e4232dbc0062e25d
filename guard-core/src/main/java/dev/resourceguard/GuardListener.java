package dev.resourceguard;

/**
 * Receives the guard's events. Every method has a no-op default; override what you need.
 *
 * <p>Listeners run on the thread that caused the event (the watchdog, an action thread, the thread
 * closing a handle). They must be fast and must not throw; a throwing listener is logged and ignored.
 */
public interface GuardListener {

    /** A notable event: deadline exceeded, stuck thread, leak, sweep, quota exhausted, ... */
    default void onEvent(GuardEvent event) {}

    /**
     * A handle closed. Called for every handle, so it must be cheap; only called when a listener
     * overrides it.
     */
    default void onClose(HandleView handle, CloseCause cause) {}
}
