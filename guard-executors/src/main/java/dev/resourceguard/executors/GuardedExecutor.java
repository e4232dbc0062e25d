package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Ticker;
import dev.resourceguard.spi.HandleHooks;
import dev.resourceguard.spi.ResourceKinds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation of {@link GuardedExecutorService}: turns each submission into a {@link Task}, hands
 * it to the wrapped executor, and serves the guard's hooks for its tasks (stuck workers, compensation).
 *
 * <p>Each executor builds its own task spec, so that {@code guard.openHandles(spec)} finds exactly its
 * running tasks, and the spec's hooks reach this executor.
 */
class GuardedExecutor implements GuardedExecutorService {
    static final Logger log = LoggerFactory.getLogger(GuardedExecutorService.class);

    final ExecutorService delegate;
    final ResourceGuard guard;
    final Ticker ticker;
    final String name;
    final String guardName;
    final Duration defaultTimeout;
    final long defaultTimeoutNanos;
    final Duration forceCloseGrace;
    final HandleSpec<Task> spec;
    final Compensation compensation;
    final Counters counters;
    final Retries retries;
    private final int queueWaitSampleRate;
    private final Object stuckLock = new Object();
    private volatile boolean reportedCannotCompensate;

    GuardedExecutor(ExecutorService delegate, ResourceGuard guard, ExecutorOptions options) {
        GuardConfig config = guard.config();
        this.delegate = delegate;
        this.guard = guard;
        this.ticker = config.ticker();
        this.name = options.nameOrGenerated();
        this.guardName = config.name();
        this.defaultTimeout = options.taskTimeout().orElse(config.maxTaskDuration());
        this.defaultTimeoutNanos = Checks.nanos(defaultTimeout);
        this.forceCloseGrace = config.forceCloseGrace();
        this.queueWaitSampleRate = options.queueWaitSampleRate();
        this.compensation = Compensation.of(delegate, options.maxExtraThreads().orElse(config.maxExtraThreads()));
        this.counters = new Counters(compensation);
        this.retries = new Retries(this, options.retryScheduler, options.random);
        this.spec = HandleSpec.<Task>builder(ResourceKinds.TASK)
                .name(name)
                .timeout(defaultTimeout)
                .interruptRunner(true)
                .leakThreshold(Duration.ZERO)
                .trackReachability(false)
                .onCancel(Task::cancelledByGuard)
                .hooks(new HandleHooks() {
                    @Override
                    public void stuck(HandleView handle, Thread thread, StackTraceElement[] stack) {
                        GuardedExecutor.this.stuck(handle);
                    }
                })
                .build();
    }

    // ---- submission

    /** Hands {@code task} to the wrapped executor, noting when if its queue wait is in the sample. */
    final <T extends Task> T enqueue(T task) {
        if (queueWaitSampleRate == 1 || ThreadLocalRandom.current().nextInt(queueWaitSampleRate) == 0) {
            task.submittedAt = ticker.read();
        }
        try {
            delegate.execute(task);
        } catch (RejectedExecutionException e) {
            counters.rejected.increment();
            throw e;
        }
        counters.submitted.increment();
        return task;
    }

    @Override
    public void execute(Runnable command) {
        enqueue(new ExecuteTask(this, Checks.task(command), null, null, true));
    }

    @Override
    public void execute(String name, Duration timeout, Runnable task) {
        enqueue(new ExecuteTask(this, Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout), true));
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return enqueue(new TaskFuture<>(this, Checks.task(task), null, null, null));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return enqueue(new TaskFuture<>(this, Executors.callable(Checks.task(task)), null, null, null));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return enqueue(new TaskFuture<>(this, Executors.callable(Checks.task(task), result), null, null, null));
    }

    @Override
    public <T> Future<T> submit(String name, Duration timeout, Callable<T> task) {
        return enqueue(
                new TaskFuture<>(this, Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout), null));
    }

    @Override
    public Future<?> submit(String name, Duration timeout, Runnable task) {
        return enqueue(new TaskFuture<>(
                this, Executors.callable(Checks.task(task)), Checks.taskName(name), Checks.taskTimeout(timeout), null));
    }

    @Override
    public <T> Future<T> submit(String name, Duration timeout, RetryPolicy retry, Callable<T> task) {
        java.util.Objects.requireNonNull(retry, "retry policy must not be null");
        return enqueue(
                new RetryingTask<>(this, Checks.task(task), Checks.taskName(name), Checks.taskTimeout(timeout), retry));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return Invocations.invokeAll(this, tasks, -1);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return Invocations.invokeAll(this, tasks, Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return Invocations.invokeAny(this, tasks, -1);
        } catch (TimeoutException e) {
            throw new AssertionError("untimed invokeAny timed out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return Invocations.invokeAny(this, tasks, Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    public <T> GatherResult<T> gather(Collection<? extends Callable<T>> tasks, Duration timeout)
            throws InterruptedException {
        return new Gather<T>(this, tasks, Checks.positive("gather timeout", timeout)).run();
    }

    // ---- lifecycle

    @Override
    public void shutdown() {
        delegate.shutdown();
        retries.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        retries.shutdownNow();
        cancelRunning(CloseCause.SHUTDOWN); // first: a task the pool's interrupt stops still ends as SHUTDOWN
        List<Runnable> queued = delegate.shutdownNow();
        cancelRunning(CloseCause.SHUTDOWN); // those that started meanwhile
        List<Runnable> unwrapped = new ArrayList<>(queued.size());
        for (Runnable r : queued) {
            unwrapped.add(r instanceof ExecuteTask t && t.executor == this ? t.body : r);
        }
        return unwrapped;
    }

    /** Cancels the handles of the running tasks; returns them. */
    final List<Handle<Task>> cancelRunning(CloseCause cause) {
        List<Handle<Task>> running = guard.openHandles(spec);
        for (Handle<Task> h : running) {
            h.cancel(cause);
        }
        return running;
    }

    @Override
    public ShutdownReport shutdownGracefully(Duration timeout) {
        return new GracefulShutdown(this, Checks.nonNegative("shutdown timeout", timeout)).run();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }

    // ---- stuck workers

    /**
     * The guard declared a task's worker stuck (on a guard thread). Count it, add a thread to the pool if
     * it can be resized, and remember both on the task, so that whichever of this hook and the task's own
     * end comes second settles the episode exactly once ({@link #stuckReturned}).
     *
     * <p>The race: the worker may leave the task just before the guard calls this hook, too late for the
     * guard to call {@code stuckReturned}. So the task, after closing its handle, reads its stuck state,
     * and this hook, after setting it, reads the handle's state: one of them sees the other (both are
     * volatile accesses), and a compare-and-set decides who withdraws.
     */
    final void stuck(HandleView view) {
        counters.stuck.increment();
        Task t = taskOf(view);
        if (t == null) {
            return; // closed already: its worker is back
        }
        boolean raised;
        int extra;
        String why = null;
        synchronized (stuckLock) {
            int from = t.stuckState;
            if (from == Task.STUCK) {
                return;
            }
            raised = compensation.raise();
            extra = compensation.inUse();
            if (!raised) {
                why = compensation.cannotRaise();
            }
            t.compensated = raised;
            counters.stuckNow.incrementAndGet();
            t.markStuckFrom(from);
        }
        if (raised) {
            log.info(
                    "[{}] executor '{}': added a thread for the stuck worker of {} ({} extra now)",
                    guardName,
                    name,
                    view.describe(),
                    extra);
        } else if (why != null && !reportedCannotCompensate) {
            reportedCannotCompensate = true; // once: the guard itself warns about every stuck thread
            log.warn("[{}] executor '{}' cannot replace stuck workers: {}", guardName, name, why);
        }
        if (view.state() == HandleState.CLOSED) {
            stuckReturned(t);
        }
    }

    /** A stuck task's worker returned (or its handle closed): settle the episode once. */
    final void stuckReturned(Task t) {
        if (t.resolveStuck()) {
            counters.stuckNow.decrementAndGet();
            if (t.compensated) {
                int left = compensation.withdraw();
                log.info(
                        "[{}] executor '{}': stuck worker of task '{}' returned; withdrew its extra thread ({} left)",
                        guardName,
                        name,
                        t.taskName(),
                        left);
            }
        }
    }

    private Task taskOf(HandleView view) {
        if (view instanceof Handle<?> h && h.get() instanceof Task t && t.executor == this) {
            return t;
        }
        for (Handle<Task> h : guard.openHandles(spec)) {
            if (h.id() == view.id()) {
                return h.get();
            }
        }
        return null;
    }

    // ---- accessors

    @Override
    public String name() {
        return name;
    }

    @Override
    public ResourceGuard guard() {
        return guard;
    }

    @Override
    public Duration taskTimeout() {
        return defaultTimeout;
    }

    @Override
    public ExecutorService delegate() {
        return delegate;
    }

    @Override
    public ExecutorStats stats() {
        return counters;
    }

    @Override
    public String toString() {
        return "GuardedExecutorService['" + name + "', guard '" + guardName + "', taskTimeout=" + defaultTimeout + ", "
                + counters + ", delegate=" + delegate + "]";
    }
}
