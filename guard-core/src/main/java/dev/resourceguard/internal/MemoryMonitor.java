package dev.resourceguard.internal;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.MemoryLevel;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches memory against two budgets and sweeps under pressure.
 *
 * <p><b>Heap budget</b> (always): heap in use right after a garbage collection, against the maximum
 * heap. Each collector's MXBean notifies the end of every collection with the usage of every pool after
 * it ({@code GcInfo.getMemoryUsageAfterGc}); summing the heap pools gives the live heap the moment the
 * collection that crossed a threshold ends, on any collector (G1, Parallel, Serial, ZGC, Shenandoah),
 * with no polling and no threshold to set per pool. Instantaneous heap use is not a signal (it is mostly
 * garbage); after-collection use is. Where the notifications are missing (a JVM without {@code
 * com.sun.management}), heap use is sampled at every cleanup instead, and a line says so.
 *
 * <p><b>Process budget</b> (where there is a limit: {@code MAX_MEMORY_USAGE_MB}, else the container's
 * cgroup limit): resident size of this process plus its descendants (browsers live outside the heap),
 * sampled at every cleanup.
 *
 * <p>The worse budget sets the {@link MemoryLevel}, with hysteresis: up at once, down only below the
 * recovery mark (CRITICAL falls to HIGH below the high mark). Entering HIGH sweeps what is expired,
 * leaked or idle (and again at each cleanup while HIGH). CRITICAL runs an emergency sweep at once, and
 * again on fresh evidence (a later collection still critical) at most every {@link #EMERGENCY_SPACING_NANOS}.
 * The notification thread only records the sample and wakes the watchdog; decisions happen on the
 * watchdog and sweeps on the action pool.
 */
final class MemoryMonitor implements NotificationListener {
    static final long EMERGENCY_SPACING_NANOS = 250_000_000L;

    private final DefaultGuard guard;
    private final double high;
    private final double critical;
    private final double recovery;
    private final MemoryLimits.Limit processLimit;
    private final long heapMax;
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final boolean enabled;

    private volatile boolean gcNotifications;
    private volatile long heapAfterGc = -1;
    private volatile long processRss = -1;
    private volatile long childRss = -1;
    private volatile boolean pending;
    private volatile MemoryLevel level = MemoryLevel.NORMAL;
    private volatile double usage;
    private volatile String worstBudget = "heap";
    private long lastEmergency = Entry.NONE;
    final AtomicLong levelChanges = new AtomicLong();

    MemoryMonitor(DefaultGuard guard, GuardConfig config) {
        this(
                guard,
                config,
                MemoryLimits.processLimit(config.maxMemoryUsageMb()),
                Runtime.getRuntime().maxMemory());
    }

    MemoryMonitor(DefaultGuard guard, GuardConfig config, MemoryLimits.Limit processLimit, long heapMax) {
        this.guard = guard;
        this.enabled = config.memoryMonitor();
        this.high = config.memoryHigh();
        this.critical = config.memoryCritical();
        this.recovery = config.memoryRecovery();
        this.processLimit = processLimit;
        this.heapMax = heapMax;
    }

    void start() {
        if (!enabled) {
            return;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        try {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(this, null, null);
                    emitters.add(emitter);
                }
            }
            gcNotifications = !emitters.isEmpty();
        } catch (LinkageError | RuntimeException e) {
            gcNotifications = false;
        }
        if (!gcNotifications) {
            guard.log.info(
                    "[{}] garbage-collection notifications are not available on this JVM; heap use is sampled"
                            + " every cleanup interval instead",
                    guard.name);
        }
        if (processLimit.exists()) {
            guard.log.debug(
                    "[{}] process memory limit {} MiB from {}",
                    guard.name,
                    processLimit.bytes() >> 20,
                    processLimit.source());
        }
    }

    void stop() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (Exception ignored) {
                // already gone
            }
        }
        emitters.clear();
    }

    /** Runs on the JMX notification thread after each collection: record, wake the watchdog. */
    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e :
                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        heapAfterGc = used;
        pending = true;
        guard.wakeWatchdog();
    }

    /** Watchdog tick: evaluates a fresh after-collection sample, if one came. */
    void onTick(long now) {
        if (enabled && pending) {
            pending = false;
            evaluate(now, false);
        }
    }

    /** Watchdog cleanup: samples process memory (and heap, without notifications), then evaluates. */
    void onCleanup(long now) {
        if (!enabled) {
            return;
        }
        if (processLimit.exists()) {
            processRss = ProcessMemory.residentBytes();
            childRss = ProcessMemory.descendantsResidentBytes();
        }
        if (!gcNotifications) {
            heapAfterGc =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        evaluate(now, true);
    }

    /** Test hook: evaluates the given sample as if a collection had just reported it. */
    void offer(long heapUsedAfterGc, long processResident, long now) {
        heapAfterGc = heapUsedAfterGc;
        processRss = processResident;
        childRss = 0;
        evaluate(now, false);
    }

    private void evaluate(long now, boolean periodic) {
        double heapFraction = heapAfterGc >= 0 && heapMax > 0 ? heapAfterGc / (double) heapMax : 0;
        double processFraction = processLimit.exists() && processRss >= 0
                ? (processRss + Math.max(0, childRss)) / (double) processLimit.bytes()
                : 0;
        double u = Math.max(heapFraction, processFraction);
        usage = u;
        worstBudget = processFraction > heapFraction ? "process" : "heap";
        MemoryLevel previous = level;
        MemoryLevel next = next(previous, u, high, critical, recovery);
        if (next != previous) {
            level = next;
            levelChanges.incrementAndGet();
            String msg = "[" + guard.name + "] memory " + previous + " -> " + next + ": " + describeUsage();
            if (next.compareTo(previous) > 0) {
                guard.log.warn(msg);
            } else {
                guard.log.info(msg);
            }
            guard.events.publish(Incidents.event(GuardEvent.Type.MEMORY_LEVEL, null, null, msg, null, null, null));
        }
        if (next == MemoryLevel.HIGH && (previous == MemoryLevel.NORMAL || periodic)) {
            guard.sweepAsync("HIGH", describeUsage(), 0);
        } else if (next == MemoryLevel.CRITICAL
                && (previous != MemoryLevel.CRITICAL || now - lastEmergency - EMERGENCY_SPACING_NANOS >= 0)) {
            lastEmergency = now;
            guard.sweepAsync("CRITICAL", describeUsage(), bytesToFree());
        }
    }

    /** The level after observing use {@code u} at level {@code current}. */
    static MemoryLevel next(MemoryLevel current, double u, double high, double critical, double recovery) {
        if (u >= critical) {
            return MemoryLevel.CRITICAL;
        }
        switch (current) {
            case CRITICAL:
                return u >= high ? MemoryLevel.CRITICAL : u >= recovery ? MemoryLevel.HIGH : MemoryLevel.NORMAL;
            case HIGH:
                return u >= recovery ? MemoryLevel.HIGH : MemoryLevel.NORMAL;
            default:
                return u >= high ? MemoryLevel.HIGH : MemoryLevel.NORMAL;
        }
    }

    /** What must go to get back below the recovery mark, in the worse budget's bytes. */
    long bytesToFree() {
        long heapNeed = heapAfterGc >= 0 ? heapAfterGc - (long) (recovery * heapMax) : 0;
        long processNeed = processLimit.exists() && processRss >= 0
                ? processRss + Math.max(0, childRss) - (long) (recovery * processLimit.bytes())
                : 0;
        return Math.max(0, Math.max(heapNeed, processNeed));
    }

    String describeUsage() {
        StringBuilder sb = new StringBuilder();
        sb.append(Math.round(usage * 100))
                .append("% of the ")
                .append(worstBudget)
                .append(" budget (heap ");
        sb.append(heapAfterGc >> 20).append('/').append(heapMax >> 20).append(" MiB after GC");
        if (processLimit.exists()) {
            sb.append(", process ")
                    .append((processRss + Math.max(0, childRss)) >> 20)
                    .append('/')
                    .append(processLimit.bytes() >> 20)
                    .append(" MiB from ")
                    .append(processLimit.source());
        }
        return sb.append(')').toString();
    }

    MemoryLevel level() {
        return level;
    }

    long heapAfterGc() {
        return heapAfterGc;
    }

    long heapMax() {
        return heapMax;
    }

    long processUsed() {
        return processRss < 0 ? -1 : processRss + Math.max(0, childRss);
    }

    long processResident() {
        return processRss;
    }

    long childResident() {
        return childRss;
    }

    MemoryLimits.Limit processLimit() {
        return processLimit;
    }

    /** The limit in force for the report: the process limit if there is one, else the heap's. */
    MemoryLimits.Limit effectiveLimit() {
        return processLimit.exists() ? processLimit : new MemoryLimits.Limit(heapMax, "maximum heap (-Xmx)");
    }
}
