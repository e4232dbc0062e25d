package dev.resourceguard;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a registered resource, as reports, events, listeners and sweep policies see it.
 * All methods are thread-safe and return the state at the moment of the call.
 */
public interface HandleView {

    /** Unique within the guard, increasing in opening order. */
    long id();

    /** The resource kind, such as {@code task}, {@code connection}, {@code browser}. */
    String kind();

    /** A human-readable name, {@code kind#id} unless one was given. */
    String name();

    /** The current state. */
    HandleState state();

    /** Why it was closed (or is being cancelled), empty while it is open. */
    Optional<CloseCause> closeCause();

    /** The owning handle, empty for a root handle. */
    Optional<HandleView> owner();

    /** The open children, oldest first. */
    List<HandleView> children();

    /** Time since the handle was opened, by the guard's ticker. */
    Duration age();

    /** Time since the last activity ({@link Handle#touch()}), or since opening. */
    Duration idleTime();

    /** Time left until the deadline (negative once past it); empty when there is no deadline. */
    Optional<Duration> remaining();

    /** The estimated cost in bytes, used to order memory sweeps. */
    long costBytes();

    /** Whether sweeps must leave this handle alone. */
    boolean isProtected();

    /** Where the handle was opened, if the stack was captured (see {@link AllocationSites}). */
    Optional<Throwable> allocationSite();

    /** The thread currently running the handle's work ({@link Handle#enter()}), if any. */
    Optional<Thread> runner();

    /** Whether the guard has declared the handle's thread stuck. */
    boolean isStuck();

    /** Whether the handle has been reported as held past its leak threshold. */
    default boolean isLeakSuspected() {
        return false;
    }

    /** {@code kind 'name' #id} — short enough for a log line. */
    default String describe() {
        return kind() + " '" + name() + "' #" + id();
    }
}
