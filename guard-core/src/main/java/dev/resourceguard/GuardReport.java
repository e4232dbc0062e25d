package dev.resourceguard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The guard's state at one moment: handles by kind and state, the oldest handles with their owner
 * chain and allocation site, stuck threads with their stacks, quotas, memory and recent events.
 * Immutable; render it with {@link #toText()} or {@link #toJson()}.
 *
 * @param guardName the guard's name
 * @param time when the snapshot was taken
 * @param totals guard-wide counters since start
 * @param kinds per kind: open (including cancelling), cancelling, closed by cause
 * @param oldest the oldest open handles, oldest first
 * @param stuck threads currently declared stuck
 * @param quotas quota usage per kind
 * @param memory heap (and, when known, process) memory
 * @param recentEvents the most recent events, oldest first
 * @param sections what adapters contribute ({@link dev.resourceguard.spi.ReportContributor}), such as a
 *     connection pool's counts, in the order they were added
 */
public record GuardReport(
        String guardName,
        Instant time,
        Totals totals,
        List<KindSummary> kinds,
        List<HandleInfo> oldest,
        List<StuckThread> stuck,
        List<QuotaInfo> quotas,
        MemoryInfo memory,
        List<GuardEvent> recentEvents,
        List<Section> sections) {

    public GuardReport {
        kinds = List.copyOf(kinds);
        oldest = List.copyOf(oldest);
        stuck = List.copyOf(stuck);
        quotas = List.copyOf(quotas);
        recentEvents = List.copyOf(recentEvents);
        sections = List.copyOf(sections);
    }

    /** A report without contributed sections. */
    public GuardReport(
            String guardName,
            Instant time,
            Totals totals,
            List<KindSummary> kinds,
            List<HandleInfo> oldest,
            List<StuckThread> stuck,
            List<QuotaInfo> quotas,
            MemoryInfo memory,
            List<GuardEvent> recentEvents) {
        this(guardName, time, totals, kinds, oldest, stuck, quotas, memory, recentEvents, List.of());
    }

    /**
     * A named group of values an adapter adds to the report, such as {@code jdbc pool 'orders'} with
     * {@code active=3, idle=7, waiting=0}.
     *
     * @param name what the values describe
     * @param values in the order given; each a {@link String}, {@link Number} or {@link Boolean}
     */
    public record Section(String name, Map<String, Object> values) {
        public Section {
            java.util.Objects.requireNonNull(name, "section name");
            java.util.Objects.requireNonNull(values, "section values");
            java.util.LinkedHashMap<String, Object> copy = new java.util.LinkedHashMap<>();
            values.forEach((k, v) -> {
                java.util.Objects.requireNonNull(k, "a value's key in section '" + name + "'");
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw new IllegalArgumentException("value of '" + k + "' in section '" + name
                            + "' must be a String, Number or Boolean, was: "
                            + (v == null ? "null" : v.getClass().getName()));
                }
                copy.put(k, v);
            });
            values = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** Guard-wide counters since the guard started. */
    public record Totals(
            long opened,
            long open,
            long closed,
            long deadlinesExceeded,
            long forceClosed,
            long stuck,
            long leaksSuspected,
            long leaked,
            long swept,
            long quotaTimeouts,
            long actionFailures,
            long actionsHung) {}

    /** Counts for one kind. {@code closedByCause} has an entry for every cause. */
    public record KindSummary(String kind, long open, long cancelling, Map<CloseCause, Long> closedByCause) {
        public KindSummary {
            closedByCause = Map.copyOf(closedByCause);
        }
    }

    /**
     * One open handle.
     *
     * @param ownerChain descriptions of its owners, nearest first
     * @param remainingMillis time to its deadline (negative once past), or {@code null} without one
     * @param allocationSite the stack where it was opened, one frame per element, empty if not captured
     * @param runner the name of the thread running it, or {@code null}
     */
    public record HandleInfo(
            long id,
            String kind,
            String name,
            HandleState state,
            long ageMillis,
            Long remainingMillis,
            long idleMillis,
            long costBytes,
            boolean isProtected,
            boolean stuck,
            String runner,
            List<String> ownerChain,
            List<String> allocationSite) {
        public HandleInfo {
            ownerChain = List.copyOf(ownerChain);
            allocationSite = List.copyOf(allocationSite);
        }
    }

    /** A thread the guard declared stuck, with where it is now. */
    public record StuckThread(long handleId, String handle, String thread, long stuckMillis, List<String> stack) {
        public StuckThread {
            stack = List.copyOf(stack);
        }
    }

    /** A quota: its limit, how many are open, how many threads wait. */
    public record QuotaInfo(String kind, int limit, int inUse, int waiting) {}

    /**
     * Memory as the guard sees it.
     *
     * @param heapUsedBytes heap in use now
     * @param heapMaxBytes maximum heap
     * @param processResidentBytes resident size of the process, -1 if unknown
     * @param limitBytes the memory limit in force, -1 if none
     * @param limitSource where the limit came from ({@code MAX_MEMORY_USAGE_MB}, {@code cgroup v2}, ...)
     * @param level the pressure level ({@code NORMAL}, {@code HIGH}, {@code CRITICAL})
     * @param heapAfterGcBytes heap in use after the last collection, -1 before the first
     * @param childProcessesResidentBytes resident size of child processes (browsers), -1 if not sampled
     */
    public record MemoryInfo(
            long heapUsedBytes,
            long heapMaxBytes,
            long processResidentBytes,
            long limitBytes,
            String limitSource,
            String level,
            long heapAfterGcBytes,
            long childProcessesResidentBytes) {}

    /** Multi-line text for humans and logs. */
    public String toText() {
        return ReportRenderer.text(this);
    }

    /** One JSON object (UTF-8 safe, no external library). */
    public String toJson() {
        return ReportRenderer.json(this);
    }
}
