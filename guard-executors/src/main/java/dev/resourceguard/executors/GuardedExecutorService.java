package dev.resourceguard.executors;

import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * An {@link ExecutorService} whose every task is a tracked task handle of a {@link ResourceGuard}: no task
 * can hold a worker forever. Made by {@link GuardedExecutors#wrap}.
 *
 * <pre>{@code
 * GuardedExecutorService workers = GuardedExecutors.wrap(Executors.newFixedThreadPool(4), guard);
 * Future<Page> page = workers.submit("crawl-" + url, Duration.ofSeconds(20), () -> crawl(url));
 * GatherResult<Quote> quotes = workers.gather(quoteCalls, Duration.ofSeconds(2));
 * }</pre>
 *
 * <p><b>Every task</b> ({@code execute}, {@code submit}, {@code invokeAll}, {@code invokeAny}, {@code
 * gather}) is tracked from the moment a worker starts it, with the executor's {@linkplain #taskTimeout()
 * task timeout} or its own. While it runs it owns what its thread opens (connections, pages, handles).
 * At its deadline the guard cancels its children, interrupts the worker (unless a child forbids it) and
 * releases {@code Future.get()} with an {@link java.util.concurrent.ExecutionException} whose cause is a
 * {@link dev.resourceguard.DeadlineExceededException}; after {@code forceCloseGrace} it force-closes the
 * children; after {@code stuckGrace} it declares the worker stuck and logs where it is blocked. For a
 * wrapped {@link java.util.concurrent.ThreadPoolExecutor} the pool then gets one more thread per stuck
 * worker (at most {@link ExecutorOptions#maxExtraThreads()}), withdrawn when the stuck thread returns;
 * other executors cannot be resized from outside, and their stuck workers are only reported.
 *
 * <p>{@code Future.cancel(true)} cancels the task's handle (children first, then an interrupt, then the
 * escalation ladder). {@code shutdown}, {@code isShutdown}, {@code isTerminated} and {@code
 * awaitTermination} are the wrapped executor's; {@code shutdownNow} also cancels the running tasks'
 * handles; {@link #shutdownGracefully} bounds the whole shutdown in time.
 *
 * <p>A task the wrapped executor rejects throws {@link RejectedExecutionException} to the submitter, as
 * usual. A task that starts after the guard closed does not run: its future fails with {@link
 * dev.resourceguard.GuardClosedException}.
 *
 * <p>Thread-safe. The cost per task is a few tens of nanoseconds over the wrapped executor plus the
 * guard's tracking: no lock, no map, no scheduled future per task.
 */
public interface GuardedExecutorService extends ExecutorService {

    /** The executor's name: the default name of its tasks, in log lines and meter tags. */
    String name();

    /** The guard that tracks the tasks. */
    ResourceGuard guard();

    /** The default deadline of a task, counted from its start. */
    Duration taskTimeout();

    /** The wrapped executor. Tasks handed to it directly are not tracked. */
    ExecutorService delegate();

    /** Live counters of this executor. */
    ExecutorStats stats();

    /**
     * Runs {@code task} as a task named {@code name} with deadline {@code timeout}.
     *
     * @param name the task's name in logs and reports, {@code null} for the executor's
     * @param timeout the deadline from the task's start, {@code null} for {@link #taskTimeout()}
     * @throws IllegalArgumentException if {@code name} is blank or {@code timeout} is not positive
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the wrapped executor rejects it
     */
    void execute(String name, Duration timeout, Runnable task);

    /** As {@link #submit(Callable)}, with a name and a deadline; see {@link #execute(String, Duration, Runnable)}. */
    <T> Future<T> submit(String name, Duration timeout, Callable<T> task);

    /** As {@link #submit(Runnable)}, with a name and a deadline; see {@link #execute(String, Duration, Runnable)}. */
    Future<?> submit(String name, Duration timeout, Runnable task);

    /**
     * Runs {@code task} until it succeeds, retrying failures {@code retry} accepts, at most {@link
     * RetryPolicy#maxAttempts()} times. {@code timeout} bounds the whole: counted from the first attempt's
     * start, no attempt starts or runs past it. The wait between attempts is scheduled on a daemon thread,
     * never slept on a worker. The future fails with a {@link RetryException} (or, out of time, a {@link
     * dev.resourceguard.DeadlineExceededException}) carrying every attempt's failure as suppressed.
     * {@code cancel(true)} stops the current attempt and any further one.
     *
     * <p>A retry needs the executor running: after {@code shutdown()} a task waiting to retry fails at its
     * next attempt with a {@link RetryException} caused by the rejection.
     */
    <T> Future<T> submit(String name, Duration timeout, RetryPolicy retry, Callable<T> task);

    /**
     * Runs {@code tasks} concurrently with one deadline, {@code timeout} from now, and returns what each
     * did, in order. At the deadline the stragglers are cancelled (those not started never run; running
     * ones get their children cancelled and their thread interrupted); after at most the guard's {@code
     * forceCloseGrace} their children (connections, pages) are force-closed and the gather returns. It
     * never takes longer than {@code timeout} plus that grace, even if a task ignores interrupts (such a
     * task keeps its thread until it returns, and may be declared stuck).
     *
     * @throws InterruptedException if the calling thread is interrupted; every task is cancelled first
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws NullPointerException if {@code tasks} or one of them is null
     */
    <T> GatherResult<T> gather(Collection<? extends Callable<T>> tasks, Duration timeout) throws InterruptedException;

    /**
     * Shuts down within {@code timeout}, whatever the tasks do: no new tasks; running and queued tasks may
     * finish until {@code timeout} minus the guard's {@code forceCloseGrace} (at most half the timeout);
     * then queued tasks are dropped (their futures cancelled), running tasks are cancelled (children,
     * interrupt), and at the timeout what they still own is force-closed. Tasks still running then are
     * reported with their threads' stacks. Returns within the timeout plus a few milliseconds.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    ShutdownReport shutdownGracefully(Duration timeout);

    /**
     * What {@link #shutdownGracefully} did.
     *
     * @param completed tasks that ended on their own (returned or threw) during the shutdown
     * @param cancelled tasks cancelled by the shutdown: queued ones dropped, and running ones cancelled that
     *     then stopped
     * @param stillRunning tasks whose threads were still running them when it returned
     * @param terminated whether the wrapped executor had terminated
     * @param took how long it took
     */
    record ShutdownReport(
            int completed, int cancelled, List<RunningTask> stillRunning, boolean terminated, Duration took) {
        public ShutdownReport {
            stillRunning = List.copyOf(stillRunning);
        }

        /** Whether every task stopped and the executor terminated. */
        public boolean isClean() {
            return terminated && stillRunning.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("shutdown in ")
                    .append(took.toMillis())
                    .append(" ms: ")
                    .append(completed)
                    .append(" completed, ")
                    .append(cancelled)
                    .append(" cancelled, ")
                    .append(stillRunning.size())
                    .append(" still running")
                    .append(terminated ? "" : " (not terminated)");
            for (RunningTask t : stillRunning) {
                sb.append("\n  ").append(t);
            }
            return sb.toString();
        }
    }

    /**
     * A task whose thread still runs it.
     *
     * @param task the task handle's description ({@code task 'crawl-17' #42})
     * @param thread the thread's name
     * @param running how long since the task started
     * @param stuck whether the guard has declared the thread stuck
     * @param stack where the thread was
     */
    record RunningTask(String task, String thread, Duration running, boolean stuck, List<StackTraceElement> stack) {
        public RunningTask {
            stack = List.copyOf(stack);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(task)
                    .append(" on thread '")
                    .append(thread)
                    .append("' for ")
                    .append(running.toMillis())
                    .append(" ms")
                    .append(stuck ? " (stuck)" : "");
            stack.stream().limit(8).forEach(f -> sb.append("\n      at ").append(f));
            return sb.toString();
        }

        static RunningTask of(String task, Thread thread, Duration running, boolean stuck) {
            return new RunningTask(task, thread.getName(), running, stuck, Arrays.asList(thread.getStackTrace()));
        }
    }
}
