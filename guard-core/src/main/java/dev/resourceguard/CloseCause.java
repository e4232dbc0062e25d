package dev.resourceguard;

/**
 * Why a handle was closed. A closed handle remembers its cause; close actions receive it so that,
 * for example, a connection commits nothing and rolls back when {@link #wasForced()} is true.
 */
public enum CloseCause {
    /** The owner closed the handle after normal use. */
    COMPLETED,
    /** The work failed or the resource died (an exception, a crashed browser). */
    FAILED,
    /** Someone cancelled it explicitly ({@link Handle#cancel()}). */
    CANCELLED,
    /** Its deadline passed and the guard cancelled it. */
    TIMED_OUT,
    /** A sweep (memory pressure or {@link ResourceGuard#sweep()}) reclaimed it. */
    SWEPT,
    /**
     * It was abandoned: garbage collected while open, or still open when its owner ended. Reported
     * with its allocation site.
     */
    LEAKED,
    /** The guard was closed while it was open. */
    SHUTDOWN;

    /**
     * Returns whether the guard took the resource away rather than its owner giving it back. A forced
     * close must never commit or otherwise complete half-done work.
     */
    public boolean wasForced() {
        return this != COMPLETED && this != FAILED;
    }
}
