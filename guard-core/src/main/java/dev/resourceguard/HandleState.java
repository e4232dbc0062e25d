package dev.resourceguard;

/** The life of a handle: it only moves forward, {@code OPEN → CANCELLING → CLOSED} or {@code OPEN → CLOSED}. */
public enum HandleState {
    /** In use. */
    OPEN,
    /** Cancel actions have run (or are running); waiting for the work to stop or for a forced close. */
    CANCELLING,
    /** Released; its close action has run exactly once. */
    CLOSED
}
