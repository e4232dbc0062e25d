package dev.resourceguard.internal;

/**
 * An element that a {@link TimerWheel} links intrusively, so scheduling allocates nothing. The
 * guard's entries implement it.
 *
 * <p>The links belong to the wheel: only the wheel sets them, and {@link #timerNext()} is null exactly
 * when the node is not scheduled. {@link #timerNanos()} must not change while the node is scheduled;
 * deschedule it, change the time, and schedule it again (or {@link TimerWheel#reschedule}).
 */
public interface TimerNode {

    /** When the node is due, in ticker nanoseconds; compared only by wraparound-safe subtraction. */
    long timerNanos();

    TimerNode timerPrev();

    void setTimerPrev(TimerNode n);

    /** The next node in the wheel's bucket, or null when the node is not scheduled. */
    TimerNode timerNext();

    void setTimerNext(TimerNode n);
}
