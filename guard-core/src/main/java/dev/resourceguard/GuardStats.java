package dev.resourceguard;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Live counters of a guard, read without locks (each read is a sum of striped counters). Meant for
 * meter registries: {@code dev.resourceguard.micrometer.GuardMetrics} registers gauges and function
 * counters that call these methods when scraped, so nothing is added to the hot path.
 */
public interface GuardStats {

    /** The kinds seen so far (including those with quotas configured). */
    Set<String> kinds();

    /** Calls {@code listener} once for each kind seen from now on (and not for those seen before). */
    void onNewKind(Consumer<String> listener);

    /** Open handles of a kind (including those cancelling). */
    long open(String kind);

    /** Handles of a kind closed with a cause, since start. */
    long closed(String kind, CloseCause cause);

    /** Handles opened since start, all kinds. */
    long opened();

    /** Deadlines that passed with the handle still open. */
    long deadlinesExceeded();

    /** Handles whose children were force-closed after the grace period. */
    long forceClosed();

    /** Threads declared stuck since start. */
    long stuckTotal();

    /** Threads currently declared stuck. */
    long stuckNow();

    /** Handles reported held past the leak threshold. */
    long leaksSuspected();

    /** Handles closed as {@link CloseCause#LEAKED}. */
    long leaked();

    /** Handles closed by sweeps. */
    long swept();

    /** Sweeps run. */
    long sweeps();

    /** Sweeps run for a reason: {@code manual}, {@code HIGH} or {@code CRITICAL}. */
    long sweeps(String reason);

    /** The memory level now. */
    MemoryLevel memoryLevel();

    /** Heap in use after the last garbage collection, in bytes (-1 before the first). */
    long heapUsedAfterGc();

    /** The maximum heap, in bytes. */
    long heapMax();

    /** Resident size of the process and its descendants, in bytes; -1 where not sampled. */
    long processMemoryUsed();

    /** The process memory limit in bytes ({@code MAX_MEMORY_USAGE_MB} or the container's), -1 if none. */
    long processMemoryLimit();

    /** Quota waits that timed out. */
    long quotaTimeouts();

    /** Cancel or close actions that threw. */
    long actionFailures();

    /** Cancel or close actions that ran past the action timeout. */
    long actionsHung();

    /** The quota limit of a kind, or -1 without one. */
    int quotaLimit(String kind);

    /** Threads waiting for a kind's quota. */
    int quotaWaiting(String kind);
}
