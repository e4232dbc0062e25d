/**
 * Guarded executors: {@link dev.resourceguard.executors.GuardedExecutors#wrap} turns any {@code
 * ExecutorService} into a {@link dev.resourceguard.executors.GuardedExecutorService} whose tasks are tracked
 * task handles of a {@link dev.resourceguard.ResourceGuard}: per-task deadlines, cancellation of what a task
 * owns, stuck-worker compensation, {@link dev.resourceguard.executors.GatherResult gather}, graceful
 * shutdown and {@link dev.resourceguard.executors.RetryPolicy retry}.
 */
package dev.resourceguard.executors;
