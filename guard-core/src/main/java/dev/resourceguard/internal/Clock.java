package dev.resourceguard.internal;

import dev.resourceguard.Ticker;

/**
 * The guard's time on the hot path.
 *
 * <p>With the system ticker, {@code track} does not read the clock: it stamps the new handle with the
 * time the watchdog published at its last tick ({@link #stamp}), a plain read of a volatile field
 * instead of a {@code System.nanoTime()} call (about 30 ns on this kind of virtual machine, a third of
 * the whole track + close). A stamp is never later than the true opening time, and not earlier than the
 * publication the tracking thread read, which is the last one before the true time.
 *
 * <p><b>Never early.</b> A deadline counted from a stale stamp could fire early, by as much as the
 * watchdog was late publishing (a long GC pause or a starved watchdog). So before the watchdog cancels a
 * handle stamped this way it asks {@link #notBefore}: the timeout counted from the <em>next</em>
 * publication after the stamp, the latest time the tracking thread can have read that stamp. A deadline
 * therefore fires at least its full timeout after the handle was opened, and at most one publication
 * interval (normally one watchdog tick) plus one tick after it. The watchdog keeps the last {@value
 * #RING} publications (about 40 s at the default 10 ms tick); for an older stamp it adds the longest
 * interval it has ever seen between publications.
 *
 * <p>With any other ticker (a test's fake one) every read is exact and nothing of this applies.
 * Everything else (ages, leak thresholds, durations in logs) reads stamps as they are: at most one
 * publication interval old.
 */
final class Clock {
    static final int RING = 4096;

    private final Ticker ticker;
    private final boolean coarse;
    private volatile long published;

    // Written and read by the watchdog thread only (publish, notBefore).
    private final long[] history = new long[RING];
    private long count;
    private long maxGap;

    Clock(Ticker ticker) {
        this.ticker = ticker;
        this.coarse = ticker == Ticker.system();
        long t = ticker.read();
        history[0] = t;
        count = 1;
        published = t;
    }

    /** Whether stamps are the watchdog's published time rather than exact reads. */
    boolean isCoarse() {
        return coarse;
    }

    /** The time to stamp a new handle with: the last published time, or an exact read. */
    long stamp() {
        return coarse ? published : ticker.read();
    }

    /** Watchdog: publishes {@code now} for stamps. Never moves backwards. */
    void publish(long now) {
        long last = history[(int) ((count - 1) & (RING - 1))];
        long t = now - last < 0 ? last : now;
        maxGap = Math.max(maxGap, t - last);
        history[(int) (count & (RING - 1))] = t;
        count++;
        published = t;
    }

    /**
     * Watchdog: the earliest time a deadline of {@code timeoutNanos} counted from {@code stamp} may fire
     * without firing early: the timeout counted from the first publication after the stamp. {@code now} is
     * the watchdog's current time (the last publication).
     */
    long notBefore(long stamp, long timeoutNanos, long now) {
        long n = Math.min(count, RING);
        long lo = count - n; // logical index of the oldest kept publication
        long hi = count - 1;
        if (stamp - at(lo) < 0) {
            return stamp + maxGap + timeoutNanos; // older than the history: assume the longest interval seen
        }
        if (at(hi) - stamp <= 0) {
            return now + timeoutNanos; // stamped after the last publication
        }
        // the first logical index in (lo, hi] whose value is after the stamp
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (at(mid) - stamp <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return at(lo) + timeoutNanos;
    }

    private long at(long logicalIndex) {
        return history[(int) (logicalIndex & (RING - 1))];
    }
}
