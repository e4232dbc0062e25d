package dev.resourceguard;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Something the guard did or noticed: a deadline passed, a thread got stuck, a leak. Events go to
 * {@link GuardListener}s and into a ring buffer of recent events shown by {@link ResourceGuard#report()}.
 * Immutable.
 */
public final class GuardEvent {

    /** What happened. */
    public enum Type {
        /** A handle passed its deadline; its cancel actions ran. */
        DEADLINE_EXCEEDED,
        /** A handle was cancelled explicitly. */
        CANCELLED,
        /** A handle still running after the grace period had its children force-closed. */
        FORCE_CLOSED,
        /** A thread ignored cancel and forced close; the event carries its stack. */
        STUCK,
        /** A thread declared stuck finally returned. */
        STUCK_RETURNED,
        /** A handle was held past the leak threshold. */
        LEAK_SUSPECTED,
        /** A handle reported by {@link #LEAK_SUSPECTED} was finally closed. */
        LEAK_RETURNED,
        /** A handle was abandoned (garbage collected, or its owner ended) and closed by the guard. */
        LEAKED,
        /** Opening a handle failed because its kind's quota stayed full. */
        QUOTA_EXHAUSTED,
        /** A cancel or close action threw. */
        ACTION_FAILED,
        /** A cancel or close action ran longer than the action timeout. */
        ACTION_HUNG,
        /** A sweep closed a handle. */
        SWEPT,
        /** A sweep ran; the message says why, the memory use, and what it swept and freed. */
        SWEEP,
        /** The memory level changed (NORMAL, HIGH, CRITICAL). */
        MEMORY_LEVEL,
        /** The guard closed; the event says what it could not close. */
        SHUTDOWN
    }

    private final Type type;
    private final Instant time;
    private final long handleId;
    private final String kind;
    private final String name;
    private final CloseCause cause;
    private final String message;
    private final Throwable allocationSite;
    private final StackTraceElement[] stack;
    private final String threadName;

    /** Creates an event; {@code handle} may be {@code null} for guard-wide events. */
    public GuardEvent(
            Type type,
            Instant time,
            HandleView handle,
            CloseCause cause,
            String message,
            Throwable allocationSite,
            StackTraceElement[] stack,
            String threadName) {
        this.type = type;
        this.time = time;
        this.handleId = handle == null ? -1 : handle.id();
        this.kind = handle == null ? null : handle.kind();
        this.name = handle == null ? null : handle.name();
        this.cause = cause;
        this.message = message;
        this.allocationSite = allocationSite;
        this.stack = stack;
        this.threadName = threadName;
    }

    public Type type() {
        return type;
    }

    /** Wall-clock time of the event. */
    public Instant time() {
        return time;
    }

    /** The handle's id, or -1 for a guard-wide event. */
    public long handleId() {
        return handleId;
    }

    public Optional<String> kind() {
        return Optional.ofNullable(kind);
    }

    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    public Optional<CloseCause> cause() {
        return Optional.ofNullable(cause);
    }

    /** A one-line description, as logged. */
    public String message() {
        return message;
    }

    /** Where the handle was opened, if captured. */
    public Optional<Throwable> allocationSite() {
        return Optional.ofNullable(allocationSite);
    }

    /** For {@link Type#STUCK}: the stuck thread's stack; otherwise empty. */
    public StackTraceElement[] stack() {
        return stack == null ? new StackTraceElement[0] : stack.clone();
    }

    /** For thread events: the thread's name. */
    public Optional<String> threadName() {
        return Optional.ofNullable(threadName);
    }

    @Override
    public String toString() {
        return time + " " + type + (cause == null ? "" : " (" + cause + ")") + ": " + message
                + (stack == null ? "" : " stack=" + Arrays.toString(Arrays.copyOf(stack, Math.min(3, stack.length))));
    }
}
