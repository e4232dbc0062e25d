package dev.resourceguard.executors;

/**
 * Live counters of one {@link GuardedExecutorService}, since it was wrapped. Each read is a sum of
 * striped counters, without locks; the values are not a consistent snapshot of each other. Meant for
 * meter registries (see {@link dev.resourceguard.executors.micrometer.GuardedExecutorMetrics}) and
 * reports; nothing here adds to the cost of a task.
 *
 * <p>Every task ends in exactly one of {@link #completed}, {@link #failed}, {@link #timedOut} or {@link
 * #cancelled}, counted when its future completes: a task is counted as timed out when its deadline passes,
 * even if its thread is still running.
 */
public interface ExecutorStats {

    /** Tasks accepted by the executor (each run of a periodic task counts once). */
    long submitted();

    /** Submissions the wrapped executor rejected. */
    long rejected();

    /** Tasks a worker started (the count of {@link #queueWaitNanos()}). */
    long started();

    /**
     * The total time started tasks waited between submission and start, in nanoseconds: exact when every
     * task is timed ({@link ExecutorOptions.Builder#queueWaitSampleRate} 1), otherwise estimated from the
     * timed sample (the sample's mean wait times {@link #started()}).
     */
    long queueWaitNanos();

    /** Tasks that returned normally. */
    long completed();

    /** Tasks that threw. */
    long failed();

    /** Tasks whose deadline passed. */
    long timedOut();

    /** Tasks cancelled before they finished: {@code Future.cancel}, shutdown, a sweep. */
    long cancelled();

    /** Workers declared stuck since the executor was wrapped. */
    long stuck();

    /** Workers stuck now (running a task that ignored cancel and forced close). */
    int stuckNow();

    /** Threads added to the pool to replace stuck workers, now. */
    int compensationThreads();

    /** The bound on {@link #compensationThreads()}; 0 when the executor cannot be resized. */
    int compensationLimit();
}
