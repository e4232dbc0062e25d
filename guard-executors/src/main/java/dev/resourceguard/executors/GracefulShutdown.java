package dev.resourceguard.executors;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import dev.resourceguard.executors.GuardedExecutorService.RunningTask;
import dev.resourceguard.executors.GuardedExecutorService.ShutdownReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link GuardedExecutorService#shutdownGracefully} call, in three timed phases that never wait
 * longer than the timeout in total:
 *
 * <ol>
 *   <li>{@code shutdown()}; wait for termination until {@code timeout - grace}, where {@code grace} is the
 *       guard's {@code forceCloseGrace}, at most half the timeout;
 *   <li>{@code shutdownNow()}: the queued tasks are dropped and their futures cancelled; the running
 *       tasks' handles are cancelled (children first, then an interrupt); wait until the timeout;
 *   <li>force-close what the cancelled tasks still own, and report the tasks whose threads still run them,
 *       with their stacks.
 * </ol>
 */
final class GracefulShutdown {
    private final GuardedExecutor ex;
    private final long timeoutNanos;

    GracefulShutdown(GuardedExecutor ex, Duration timeout) {
        this.ex = ex;
        this.timeoutNanos = Checks.nanos(timeout);
    }

    ShutdownReport run() {
        long start = System.nanoTime();
        long end = start + timeoutNanos;
        long grace = Math.min(Checks.nanos(ex.forceCloseGrace), timeoutNanos / 2);
        long endedBefore = ex.counters.completed() + ex.counters.failed();
        int cancelled = 0;
        boolean interrupted = false;

        ex.shutdown();
        boolean terminated;
        try {
            terminated = ex.delegate.awaitTermination(end - grace - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            terminated = ex.delegate.isTerminated();
        }
        List<Handle<Task>> cancelledHandles = List.of();
        if (!terminated) {
            ex.retries.shutdownNow();
            // Handles first: a task the pool's own interrupt stops then still ends as cancelled (SHUTDOWN).
            cancelledHandles = new ArrayList<>(ex.cancelRunning(CloseCause.SHUTDOWN));
            for (Runnable r : ex.delegate.shutdownNow()) {
                cancelled++;
                if (r instanceof Task t) {
                    t.cancelFuture();
                }
            }
            for (Handle<Task> h : ex.cancelRunning(CloseCause.SHUTDOWN)) { // started meanwhile
                if (!cancelledHandles.contains(h)) {
                    cancelledHandles.add(h);
                }
            }
            try {
                terminated = ex.delegate.awaitTermination(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
                terminated = ex.delegate.isTerminated();
            }
            for (Handle<Task> h : cancelledHandles) {
                if (h.state() != HandleState.CLOSED) {
                    h.forceClose();
                }
            }
        }
        List<RunningTask> stillRunning = new ArrayList<>();
        for (Handle<Task> h : ex.guard.openHandles(ex.spec)) {
            h.runner()
                    .ifPresent(thread -> stillRunning.add(RunningTask.of(h.describe(), thread, h.age(), h.isStuck())));
        }
        for (Handle<Task> h : cancelledHandles) {
            if (h.state() == HandleState.CLOSED) {
                cancelled++;
            }
        }
        int completed = (int) (ex.counters.completed() + ex.counters.failed() - endedBefore);
        ShutdownReport report = new ShutdownReport(
                completed, cancelled, stillRunning, terminated, Duration.ofNanos(System.nanoTime() - start));
        if (report.isClean()) {
            GuardedExecutor.log.debug("[{}] executor '{}': {}", ex.guardName, ex.name, report);
        } else {
            GuardedExecutor.log.warn("[{}] executor '{}': {}", ex.guardName, ex.name, report);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return report;
    }
}
