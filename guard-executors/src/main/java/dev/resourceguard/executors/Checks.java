package dev.resourceguard.executors;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the argument and the value. */
final class Checks {
    private Checks() {}

    static Duration positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    static Duration nonNegative(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return d;
    }

    /** A task's own timeout: {@code null} for the executor's default, otherwise positive. */
    static Duration taskTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("task timeout must be positive: " + timeout);
        }
        return timeout;
    }

    /** A task's own name: {@code null} for the executor's, otherwise not blank. */
    static String taskName(String name) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank: '" + name + "'");
        }
        return name;
    }

    static <T> T task(T task) {
        return Objects.requireNonNull(task, "task must not be null");
    }

    /** Saturated nanoseconds. */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }

    static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
