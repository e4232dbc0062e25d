package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A task submitted with a {@link RetryPolicy}: one future over several attempts. Each attempt is a run of
 * this same object on a worker, tracked by its own handle whose deadline is what is left of the overall
 * one ({@code timeout} from the first start); between attempts the task waits on the {@link Retries}
 * scheduler, holding no thread. The future completes once: with the first success, or with a {@link
 * RetryException} / {@link DeadlineExceededException} carrying every attempt's failure as suppressed.
 */
final class RetryingTask<V> extends TaskFuture<V> {
    private final RetryPolicy policy;
    private final List<Throwable> failures = new ArrayList<>(); // guarded by itself
    private int attempts; // attempts that ran and failed; guarded by failures

    RetryingTask(GuardedExecutor ex, Callable<V> callable, String name, Duration timeout, RetryPolicy policy) {
        super(ex, callable, name, timeout, null);
        this.policy = policy;
        this.deadlineAt = AT_FIRST_START;
    }

    @Override
    void finish(Object value, Throwable failure, CloseCause cause) {
        if (failure == null || cause != CloseCause.FAILED) {
            super.finish(value, failure, cause);
            return;
        }
        int attempts;
        synchronized (failures) {
            failures.add(failure);
            attempts = ++this.attempts;
        }
        long now = executor.ticker.read();
        if (attempts >= policy.maxAttempts()) {
            fail("attempts exhausted", now);
        } else if (!policy.retries(failure)) {
            fail("not retryable", now);
        } else {
            long backoff = policy.backoffNanos(attempts, executor.retries.random());
            if (backoff >= deadlineAt - now) {
                complete(
                        EXCEPTIONAL,
                        deadlineExceeded(
                                handle,
                                now,
                                "no time left for attempt " + (attempts + 1) + " after a backoff of "
                                        + Checks.millis(backoff) + " ms"),
                        executor.counters.timedOut);
            } else if (!isDone()) {
                executor.retries.retryAfter(this, backoff);
            }
        }
    }

    /** The next attempt could not be handed to the executor (it was shut down). */
    void couldNotRetry(Exception e) {
        synchronized (failures) {
            failures.add(e);
        }
        fail("could not start the next attempt", executor.ticker.read());
    }

    private void fail(String why, long now) {
        List<Throwable> all = snapshot();
        int n;
        synchronized (failures) {
            n = attempts;
        }
        Throwable last = all.isEmpty() ? null : all.get(all.size() - 1);
        long ran = now - (deadlineAt - timeoutNanos());
        RetryException e = new RetryException(
                "task '" + taskName() + "' failed after " + n + (n == 1 ? " attempt" : " attempts") + " in "
                        + Checks.millis(ran) + " ms (" + why + "); last: " + last,
                last,
                n);
        all.forEach(e::addSuppressed);
        complete(EXCEPTIONAL, e, executor.counters.failed);
    }

    @Override
    DeadlineExceededException deadlineExceeded(Handle<Task> h, long now, String detail) {
        List<Throwable> all = snapshot();
        int n;
        synchronized (failures) {
            n = attempts;
        }
        String attempt =
                "attempt " + (h != null && h.state() != HandleState.CLOSED ? n + 1 : n) + " of " + policy.maxAttempts();
        DeadlineExceededException e = new DeadlineExceededException(
                deadlineMessage(h, now, detail == null ? attempt : detail),
                all.isEmpty() ? null : all.get(all.size() - 1));
        all.forEach(e::addSuppressed);
        return e;
    }

    private List<Throwable> snapshot() {
        synchronized (failures) {
            return new ArrayList<>(failures);
        }
    }
}
