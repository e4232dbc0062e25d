package dev.resourceguard.executors;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When and how often a failed task is tried again: at most {@link #maxAttempts()} attempts, separated by
 * an exponential backoff with full jitter, for failures the {@linkplain Builder#retryOn predicate}
 * accepts. Immutable and reusable; made by {@link #builder()}, whose setters reject a bad value at once
 * with the value in the message.
 *
 * <pre>{@code
 * static final RetryPolicy FLAKY_API = RetryPolicy.builder()
 *         .maxAttempts(4)
 *         .initialBackoff(Duration.ofMillis(200))
 *         .maxBackoff(Duration.ofSeconds(5))
 *         .retryOn(e -> e instanceof IOException)
 *         .build();
 *
 * Future<Quote> quote = workers.submit("fetch-quote", Duration.ofSeconds(20), FLAKY_API, () -> api.quote());
 * }</pre>
 *
 * <p>Used by {@link GuardedExecutorService#submit(String, Duration, RetryPolicy, java.util.concurrent.Callable)}:
 * the wait between attempts is scheduled, never slept on a worker, and no attempt starts or runs past the
 * task's deadline.
 *
 * <p>Backoff before retry {@code n} (the wait after the {@code n}-th failed attempt): {@code cap =
 * min(maxBackoff, initialBackoff × multiplier^(n-1))}; with jitter (the default, "full jitter") a uniform
 * random duration in {@code [0, cap)}, without it {@code cap} itself.
 */
public final class RetryPolicy {

    /** The default predicate: retry any {@link Exception} except {@link InterruptedException}; never an {@link Error}. */
    private static final Predicate<Throwable> DEFAULT_RETRY_ON =
            t -> t instanceof Exception && !(t instanceof InterruptedException);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final boolean jitter;
    private final Predicate<? super Throwable> retryOn;
    private final long initialNanos;
    private final long maxNanos;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.retryOn = b.retryOn;
        this.initialNanos = Checks.nanos(initialBackoff);
        this.maxNanos = Checks.nanos(maxBackoff);
    }

    /**
     * A builder with the defaults: 3 attempts, backoff from 100 ms doubling up to 10 s, full jitter, retry on
     * any exception except {@link InterruptedException}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The default policy; see {@link #builder()}. */
    public static RetryPolicy defaults() {
        return new Builder().build();
    }

    /** The most attempts, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    /** Whether the backoff is drawn uniformly from {@code [0, cap)} ("full jitter"). */
    public boolean jitter() {
        return jitter;
    }

    /** Whether {@code failure} may be retried, by the predicate. A throwing predicate means no. */
    public boolean retries(Throwable failure) {
        try {
            return retryOn.test(failure);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The wait before retry {@code retry} (1 for the wait after the first failed attempt).
     *
     * @param random a number in {@code [0, 1)}: the jitter draw (ignored without jitter)
     * @throws IllegalArgumentException if {@code retry < 1} or {@code random} is outside {@code [0, 1)}
     */
    public Duration backoff(int retry, double random) {
        return Duration.ofNanos(backoffNanos(retry, random));
    }

    long backoffNanos(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1: " + retry);
        }
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random must be in [0, 1): " + random);
        }
        double cap = initialNanos * Math.pow(multiplier, retry - 1);
        long capped = cap >= maxNanos ? maxNanos : (long) cap;
        return jitter ? (long) (capped * random) : capped;
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + (jitter ? "full" : "none")
                + ", retryOn=" + (retryOn == DEFAULT_RETRY_ON ? "any exception except InterruptedException" : "custom")
                + '}';
    }

    /** Builds a {@link RetryPolicy}; every setter rejects a bad value at once. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private boolean jitter = true;
        private Predicate<? super Throwable> retryOn = DEFAULT_RETRY_ON;

        private Builder() {}

        /** The most attempts, the first included; 1 means no retry. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The backoff cap before the first retry; zero retries at once. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = Checks.nonNegative("initialBackoff", backoff);
            return this;
        }

        /** The largest backoff cap. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = Checks.nonNegative("maxBackoff", backoff);
            return this;
        }

        /** How much the cap grows per retry; at least 1 (1: constant backoff). */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number of at least 1.0: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Full jitter (the default): each backoff is uniform in {@code [0, cap)}; off: exactly {@code cap}. */
        public Builder jitter(boolean fullJitter) {
            this.jitter = fullJitter;
            return this;
        }

        /**
         * Which failures are retried (the exception the task threw). Must be fast and must not throw (a
         * throwing predicate counts as "do not retry").
         */
        public Builder retryOn(Predicate<? super Throwable> predicate) {
            this.retryOn = Objects.requireNonNull(predicate, "retryOn");
            return this;
        }

        /**
         * @throws IllegalArgumentException if {@code maxBackoff} is shorter than {@code initialBackoff}
         */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than"
                        + " initialBackoff (" + initialBackoff + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
