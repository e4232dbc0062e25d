package dev.resourceguard.test;

import dev.resourceguard.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to, so that tests exercise deadlines, leak thresholds and
 * idle times without sleeping. Give it to a guard with {@link dev.resourceguard.GuardConfig.Builder#ticker}
 * (or let {@link GuardExtension#withFakeTicker()} do it), then {@linkplain #advance(Duration) advance} it.
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * try (ResourceGuard guard = ResourceGuard.create(GuardConfig.builder().ticker(ticker).build())) {
 *     Handle<Client> h = guard.track(client, SPEC, null, Duration.ofSeconds(30));
 *     ticker.advance(Duration.ofSeconds(31));
 *     Awaits.await().until(() -> h.state() == HandleState.CLOSED);   // the watchdog still runs on real time
 * }
 * }</pre>
 *
 * <p>It starts at {@value #DEFAULT_START_NANOS} ns rather than zero, so that code which mistakes a
 * reading for a duration, or zero for "unset", fails. Values only grow: negative steps are rejected. Like
 * {@link System#nanoTime()}, the reading wraps around after {@code 2^63} ns; compare readings by
 * subtraction.
 *
 * <p>With {@linkplain #setAutoAdvance(Duration) auto-advance}, every {@link #read()} moves the time on
 * by a step after reading, so that code polling the clock in a loop makes progress.
 *
 * <p>Thread-safe: the guard's watchdog reads it while the test advances it.
 */
public final class FakeTicker implements Ticker {

    /** Where a ticker made by {@link #FakeTicker()} starts. */
    public static final long DEFAULT_START_NANOS = 1_000_000_000L;

    private final long start;
    private final AtomicLong nanos;
    private volatile long autoAdvanceNanos;

    /** A ticker at {@value #DEFAULT_START_NANOS} ns, without auto-advance. */
    public FakeTicker() {
        this(DEFAULT_START_NANOS);
    }

    /** A ticker at {@code startNanos} (any value: a ticker's origin is arbitrary), without auto-advance. */
    public FakeTicker(long startNanos) {
        this.start = startNanos;
        this.nanos = new AtomicLong(startNanos);
    }

    /**
     * Returns the current time, then moves it on by the auto-advance step (zero unless {@link
     * #setAutoAdvance(Duration)} set one).
     */
    @Override
    public long read() {
        return nanos.getAndAdd(autoAdvanceNanos);
    }

    /**
     * Returns the current time without moving it, even with auto-advance on: for assertions that must
     * not disturb the clock.
     */
    public long peek() {
        return nanos.get();
    }

    /**
     * Moves the time on by {@code step}.
     *
     * @return this ticker
     * @throws IllegalArgumentException if {@code step} is negative or longer than {@code 2^63 - 1} ns
     */
    public FakeTicker advance(Duration step) {
        nanos.addAndGet(toNanos("advance", step));
        return this;
    }

    /**
     * Moves the time on by {@code amount} {@code unit}s (saturated at {@code 2^63 - 1} ns).
     *
     * @return this ticker
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public FakeTicker advance(long amount, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (amount < 0) {
            throw new IllegalArgumentException("advance must not be negative: " + amount + " " + unit);
        }
        nanos.addAndGet(unit.toNanos(amount));
        return this;
    }

    /**
     * Makes every later {@link #read()} move the time on by {@code step}; {@link Duration#ZERO} (the
     * default) turns auto-advance off.
     *
     * @return this ticker
     * @throws IllegalArgumentException if {@code step} is negative or longer than {@code 2^63 - 1} ns
     */
    public FakeTicker setAutoAdvance(Duration step) {
        this.autoAdvanceNanos = toNanos("autoAdvance", step);
        return this;
    }

    /** The auto-advance step, {@link Duration#ZERO} when off. */
    public Duration autoAdvance() {
        return Duration.ofNanos(autoAdvanceNanos);
    }

    /** The time that has passed on this ticker since it was made. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos.get() - start);
    }

    @Override
    public String toString() {
        return "FakeTicker[" + nanos.get() + " ns, elapsed=" + elapsed() + ", autoAdvance=" + autoAdvance() + "]";
    }

    private static long toNanos(String what, Duration step) {
        Objects.requireNonNull(step, what);
        if (step.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + step);
        }
        try {
            return step.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " must fit in 2^63 - 1 nanoseconds: " + step, e);
        }
    }
}
