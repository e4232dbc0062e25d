package dev.resourceguard.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.MemoryLevel;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * How soon the emergency sweep starts after heap use crosses the critical mark.
 *
 * <p>Each round one task (a guarded task, entered by a worker thread, owning one child resource with a
 * cancel action) grows a buffer by 256 KiB per millisecond, declaring it as the task's cost, and
 * allocates 1 MiB of garbage per step so that young collections keep coming. Memory levels: high 0.6,
 * critical 0.7, recovery 0.4 of the maximum heap. The task stops growing at 0.85 (so a late sweep shows
 * as lateness, not as an {@link OutOfMemoryError}) and runs until the guard cancels it. Between rounds
 * the buffer is dropped and {@code System.gc()} brings the level back to NORMAL.
 *
 * <p>Optionally {@code background} other handles stay open (no deadline, costs log-uniform from 1 KiB
 * to 1 MiB), so that the emergency sweep chooses its victim among them.
 *
 * <p><b>When the mark is crossed</b> is decided independently of the guard, by this program's own
 * listener on every collector's MXBean: the crossing is the <em>end of the first collection</em> after
 * which the heap pools ({@link MemoryType#HEAP}) together hold at least critical × {@code
 * Runtime.maxMemory()} (DESIGN, "Memory pressure": use after collection against the maximum heap; what
 * the heap holds between collections is mostly garbage and not a signal). The collection's end time
 * ({@link GcInfo#getEndTime()}, milliseconds since JVM start) is mapped to {@code System.nanoTime()}
 * with an offset calibrated at start-up from five {@code System.gc()} calls (nanoTime right after each
 * returns, minus its end time; the smallest difference wins). That offset can be up to 1 ms early
 * (millisecond resolution of the end time), so the latencies below may be overstated by up to 1 ms,
 * never understated by more than a few microseconds. Per-pool collection-usage thresholds are not used:
 * they fire per pool, and the mark is on the sum of the pools.
 *
 * <p><b>When the sweep starts</b>: the guard's {@code SWEPT} event for the round's task (published by
 * the emergency sweep as it cancels the task, before the next candidate). Also printed: when this
 * program's listener received the collection's notification ({@code notified}; it is called after the
 * guard's own listener on the same thread, so this is an upper bound of when the guard got it), when the guard's
 * {@code MEMORY_LEVEL -> CRITICAL} event came ({@code level}), when the child's cancel action ran
 * ({@code cancel}) and when the worker saw the interrupt ({@code interrupt}), all from the crossing.
 *
 * <pre>
 * java -Xms256m -Xmx256m -XX:+UseG1GC -cp target/benchmarks.jar \
 *      dev.resourceguard.benchmarks.SweepLatency [rounds] [background handles]
 * </pre>
 *
 * Target: the sweep starts at most 100 ms after the crossing (p99 and max of the rounds after 3
 * warm-up rounds).
 */
public final class SweepLatency {

    static final double HIGH = 0.6;
    static final double CRITICAL = 0.7;
    static final double RECOVERY = 0.4;
    static final double CAP = 0.85;
    static final int CHUNK = 256 * 1024;
    static final int GARBAGE_CHUNKS = 4;
    static final int WARMUP_ROUNDS = 3;
    static final double TARGET_MS = 100;

    /** Keeps the garbage from being optimised away. */
    static volatile byte[] sink;

    /** What one round observed, in {@code System.nanoTime()} units; 0: not (yet) seen. */
    static final class Round {
        volatile boolean armed;
        volatile long taskId = -1;
        volatile long crossedAt;
        volatile long notifiedAt;
        volatile String crossingGc;
        volatile double crossingUse;
        volatile long levelAt;
        volatile long sweptAt;
        volatile long cancelAt;
        volatile long interruptedAt;
        volatile String sweepMessage;
        volatile long startedAt;
        volatile long lastUse = -1;
    }

    private final long heapMax = Runtime.getRuntime().maxMemory();
    private final Set<String> heapPools = new HashSet<>();
    private volatile long gcTimeBase;
    private volatile Round round = new Round();

    private SweepLatency() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int background = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        new SweepLatency().run(rounds, background);
    }

    private void run(int rounds, int background) throws Exception {
        List<String> collectors = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collectors.add(gc.getName());
        }
        gcTimeBase = calibrateGcTimeBase();
        GuardConfig config = GuardConfig.builder()
                .name("latency")
                .allocationSites(AllocationSites.OFF)
                .leakThreshold(Duration.ZERO)
                .idleThreshold(Duration.ZERO)
                .memoryHigh(HIGH)
                .memoryCritical(CRITICAL)
                .memoryRecovery(RECOVERY)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent e) {
                        onGuardEvent(e);
                    }
                })
                .build();
        System.out.printf(
                "java %s, %d cores, max heap %d MiB, collectors %s, %,d background handles%n%s%n",
                System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors(),
                heapMax >> 20,
                collectors,
                background,
                config);
        long uptimeBase =
                System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        System.out.printf(
                "gc time base from System.gc() calibration differs from the uptime-based one by %.2f ms%n",
                (gcTimeBase - uptimeBase) / 1e6);

        try (ResourceGuard guard = ResourceGuard.create(config)) {
            // registered after the guard's own listener, so it never delays the guard
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener(this::onCollection, null, null);
            }
            // Costs differ (log-uniform 1 KiB .. 1 MiB, all below the task's) so that choosing is a real sort;
            // with equal costs the policy's input is already in order (oldest first) and sorts in O(n).
            HandleSpec<long[]> backgroundSpec =
                    HandleSpec.<long[]>builder("background").cost(c -> c[0]).build();
            List<Handle<long[]>> held = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < background; i++) {
                long cost = (long) Math.exp(random.nextDouble(Math.log(1024), Math.log(1 << 20)));
                held.add(guard.track(new long[] {cost}, backgroundSpec));
            }
            HandleSpec<Round> childSpec = HandleSpec.<Round>builder("buffer-part")
                    .onCancel(r -> r.cancelAt = System.nanoTime())
                    .build();

            System.out.printf(
                    "%-6s %-22s %6s %9s %9s %9s %9s %10s%n",
                    "round", "crossing collection", "use", "notified", "level", "swept", "cancel", "interrupt");
            double[] swept = new double[rounds];
            double[] notified = new double[rounds];
            int missed = 0;
            for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
                settle(guard);
                Round round = new Round();
                this.round = round;
                long baseline =
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                Thread worker = new Thread(() -> grow(guard, childSpec, round, baseline), "grow");
                worker.start();
                worker.join(TimeUnit.SECONDS.toMillis(20));
                if (worker.isAlive()) {
                    worker.interrupt(); // the guard never swept it
                    worker.join();
                }
                // The notification thread may call this program's listener after the guard has already swept
                // (the guard's listener comes first), and the worker may see the interrupt before the event is
                // published: wait for both before closing the round.
                for (int i = 0; i < 100 && (round.sweptAt == 0 || round.crossedAt == 0); i++) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                round.armed = false;
                boolean seen = round.crossedAt != 0 && round.sweptAt != 0;
                System.out.printf(
                        "%-6s %-22s %5.0f%% %9s %9s %9s %9s %10s%n",
                        r < 0 ? "warm" + (r + WARMUP_ROUNDS + 1) : Integer.toString(r + 1),
                        round.crossingGc,
                        round.crossingUse * 100,
                        ms(round, round.notifiedAt),
                        ms(round, round.levelAt),
                        ms(round, round.sweptAt),
                        ms(round, round.cancelAt),
                        ms(round, round.interruptedAt));
                if (r == 0) {
                    System.out.println("  guard: " + round.sweepMessage);
                }
                if (round.crossedAt == 0) {
                    System.out.printf(
                            "  no crossing seen (last use after a collection %.0f%%); task swept %s ms after it"
                                    + " started, interrupted %s ms; guard: %s%n",
                            round.lastUse * 100.0 / heapMax,
                            round.sweptAt == 0 ? "-" : String.format("%.1f", (round.sweptAt - round.startedAt) / 1e6),
                            round.interruptedAt == 0
                                    ? "-"
                                    : String.format("%.1f", (round.interruptedAt - round.startedAt) / 1e6),
                            round.sweepMessage);
                }
                if (r >= 0) {
                    if (!seen) {
                        missed++;
                    }
                    swept[r] = seen ? (round.sweptAt - round.crossedAt) / 1e6 : Double.POSITIVE_INFINITY;
                    notified[r] = round.crossedAt != 0 && round.notifiedAt != 0
                            ? (round.notifiedAt - round.crossedAt) / 1e6
                            : Double.NaN;
                }
            }
            held.forEach(Handle::close);
            summary("crossing -> notification received", notified, false);
            boolean pass = summary("crossing -> sweep started (SWEPT)", swept, true) && missed == 0;
            System.out.println((missed > 0 ? missed + " round(s) without a sweep; " : "")
                    + (pass ? "within target" : "target missed"));
        }
    }

    /** Runs on a worker: one guarded task that grows until the guard cancels it. */
    private void grow(ResourceGuard guard, HandleSpec<Round> childSpec, Round round, long baseline) {
        Handle<String> task = guard.openTask("grow", Duration.ofMinutes(5));
        round.taskId = task.id();
        round.startedAt = System.nanoTime();
        List<byte[]> held = new ArrayList<>();
        long cap = (long) (CAP * heapMax) - baseline;
        try (Scope s = task.enter()) {
            Handle<Round> part = guard.track(round, childSpec); // owned by the task: cancelled with it
            round.armed = true;
            long retained = 0;
            while (true) {
                if (retained + CHUNK <= cap) {
                    held.add(new byte[CHUNK]);
                    retained += CHUNK;
                    task.setCostBytes(retained);
                }
                for (int i = 0; i < GARBAGE_CHUNKS; i++) {
                    sink = new byte[CHUNK];
                }
                Thread.sleep(1);
                Reference.reachabilityFence(part); // not collected (and closed as leaked) while the task runs
            }
        } catch (InterruptedException e) {
            round.interruptedAt = System.nanoTime();
        } finally {
            held.clear();
            task.close();
        }
    }

    /** Drops everything and waits (up to 10 s) for the guard to be back at NORMAL. */
    private static void settle(ResourceGuard guard) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(50); // the guard evaluates the collection at its next tick
        } while (guard.stats().memoryLevel() != MemoryLevel.NORMAL && System.nanoTime() - until < 0);
        TimeUnit.MILLISECONDS.sleep(100);
    }

    /** On the JMX notification thread, after each collection. */
    private void onCollection(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        long received = System.nanoTime();
        Round r = round;
        if (!r.armed || r.crossedAt != 0) {
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
        r.lastUse = used;
        double use = used / (double) heapMax; // as the guard computes it
        if (use >= CRITICAL) {
            r.crossingGc = info.getGcName() + " (" + info.getGcCause() + ")";
            r.crossingUse = use;
            r.notifiedAt = received;
            r.crossedAt = gcTimeBase + info.getGcInfo().getEndTime() * 1_000_000L;
        }
    }

    /** On a guard thread (watchdog or action thread). */
    private void onGuardEvent(GuardEvent e) {
        long now = System.nanoTime();
        Round r = round;
        if (e.type() == GuardEvent.Type.MEMORY_LEVEL && e.message().contains("-> CRITICAL")) {
            if (r.levelAt == 0) {
                r.levelAt = now;
            }
        } else if (e.type() == GuardEvent.Type.SWEPT && e.handleId() == r.taskId && r.sweptAt == 0) {
            r.sweptAt = now;
        } else if (e.type() == GuardEvent.Type.SWEEP
                && e.message().contains("sweep (CRITICAL")
                && r.sweepMessage == null) {
            r.sweepMessage = e.message();
        }
    }

    /**
     * The offset from {@link GcInfo} times (milliseconds since JVM start) to {@code System.nanoTime()}: a
     * collection's end {@code E} (nanoTime) satisfies {@code E <= after} and {@code base + end ms <= E <
     * base + (end + 1) ms}, so {@code after - end ms} is an upper bound of {@code base} that is at most 1
     * ms plus the return from {@code System.gc()} too high; the smallest of five is kept.
     */
    private static long calibrateGcTimeBase() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long after = System.nanoTime();
            long end = -1;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                GcInfo last = ((com.sun.management.GarbageCollectorMXBean) gc).getLastGcInfo();
                if (last != null) {
                    end = Math.max(end, last.getEndTime());
                }
            }
            best = Math.min(best, after - end * 1_000_000L);
        }
        return best;
    }

    private static String ms(Round r, long at) {
        return r.crossedAt == 0 || at == 0 ? "-" : String.format("%.1f", (at - r.crossedAt) / 1e6);
    }

    private static boolean summary(String what, double[] ms, boolean target) {
        double[] sorted = ms.clone();
        java.util.Arrays.sort(sorted);
        double p99 = DeadlineAccuracy.percentile(sorted, 99);
        double max = DeadlineAccuracy.percentile(sorted, 100);
        boolean pass = p99 <= TARGET_MS && max <= TARGET_MS;
        System.out.printf(
                "%-36s n=%d  min %.1f  p50 %.1f  p99 %.1f  max %.1f ms%s%n",
                what,
                sorted.length,
                sorted[0],
                DeadlineAccuracy.percentile(sorted, 50),
                p99,
                max,
                target ? (pass ? "  (≤ 100 ms)" : "  (> 100 ms)") : "");
        return pass;
    }
}
