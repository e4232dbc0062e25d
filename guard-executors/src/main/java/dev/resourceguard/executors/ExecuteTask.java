package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import java.time.Duration;

/**
 * A task from {@code execute}: nobody waits for it, so a failure goes back to the worker thread, as with
 * the wrapped executor (its uncaught-exception handler, {@code afterExecute}, or the end of a periodic
 * schedule). A task the guard cancelled (its deadline passed) does not rethrow what the interrupt made
 * it throw: the guard already reported it.
 */
final class ExecuteTask extends Task {
    final Runnable body;

    ExecuteTask(GuardedExecutor executor, Runnable body, String name, Duration timeout) {
        super(executor, name, timeout, null);
        this.body = body;
    }

    @Override
    Object call() {
        body.run();
        return null;
    }

    @Override
    void finish(Object value, Throwable failure, CloseCause cause) {
        super.finish(value, failure, cause);
        if (failure != null && !cause.wasForced()) {
            throw Sneaky.<RuntimeException>rethrow(failure);
        }
    }

    @Override
    void notStarted(Throwable e) {
        super.notStarted(e);
        throw Sneaky.<RuntimeException>rethrow(e);
    }

    @Override
    public String toString() {
        return "ExecuteTask['" + taskName() + "', " + body + "]";
    }
}
