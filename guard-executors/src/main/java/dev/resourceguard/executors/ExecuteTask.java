package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A task from {@code execute}: nobody waits for it, so a failure goes back to the worker thread, as with
 * the wrapped executor (its uncaught-exception handler, {@code afterExecute}, or the end of a periodic
 * schedule). A task the guard cancelled (its deadline passed) does not rethrow what the interrupt made
 * it throw: the guard already reported it.
 */
final class ExecuteTask extends Task {
    private static final VarHandle HANDLE;

    static {
        try {
            HANDLE = MethodHandles.lookup().findVarHandle(Task.class, "handle", Handle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Runnable body;
    /** Whether nothing but the guard can cancel it: no {@code Future} was handed out (plain execute). */
    private final boolean futureless;

    ExecuteTask(GuardedExecutor executor, Runnable body, String name, Duration timeout, boolean futureless) {
        super(executor, name, timeout, null);
        this.body = body;
        this.futureless = futureless;
    }

    /**
     * Without a future, only the guard's cancel action races the start, and it does not need the store
     * to be seen at once: it finds the handle in the guard when the field is still empty ({@link
     * #cancelledByGuard}), and a cancel that comes as the task starts interrupts the worker, which is
     * already the handle's runner. So a release store, without the fence of the volatile one.
     */
    @Override
    void publish(Handle<Task> h) {
        if (futureless) {
            HANDLE.setRelease(this, h);
        } else {
            super.publish(h);
        }
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
