package dev.resourceguard;

/**
 * A source of nanosecond time for deadlines, ages and durations. The guard reads time only through
 * its ticker, so tests can substitute a fake one (see {@code dev.resourceguard.test.FakeTicker}) and
 * exercise deadlines without sleeping.
 *
 * <p>Implementations must be thread-safe and monotonic (never go backwards).
 */
@FunctionalInterface
public interface Ticker {

    /** Returns the current time in nanoseconds, from an arbitrary origin. */
    long read();

    /** A ticker backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
