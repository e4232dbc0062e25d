package dev.resourceguard.executors;

import dev.resourceguard.GuardException;

/**
 * A task submitted with a {@link RetryPolicy} failed for good: {@code "task 'fetch-quote' failed after 3
 * attempts in 912 ms (attempts exhausted); last: java.io.IOException: connection reset"}. The cause is
 * the last attempt's failure; every attempt's failure, in order, is attached as a suppressed exception.
 *
 * <p>A retried task that runs out of time fails with {@link dev.resourceguard.DeadlineExceededException}
 * instead, with the same suppressed exceptions.
 */
public class RetryException extends GuardException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    public RetryException(String message, Throwable lastFailure, int attempts) {
        super(message, lastFailure);
        this.attempts = attempts;
    }

    /** How many attempts ran. */
    public int attempts() {
        return attempts;
    }
}
