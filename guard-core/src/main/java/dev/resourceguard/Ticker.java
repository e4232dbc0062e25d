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

    /**
     * The ticker backed by {@link System#nanoTime()}, the default. Always the same instance: with it, the
     * guard stamps new handles with the watchdog's last reading instead of reading the clock (see
     * {@code docs/architecture.md}, "Time").
     */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
