package dev.resourceguard.benchmarks;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * How late a deadline's cancel action starts: with 100,000 handles open whose deadlines are 10 minutes
 * out, opens 2,000 probe handles with deadlines spread over 100 to 600 ms; each probe's cancel action
 * records {@code System.nanoTime() - deadline}, where the deadline is the time just before {@code
 * track} plus the timeout. Prints p50, p99 and max lateness per round; the first round runs on a cold
 * JVM. Default guard settings (watchdog tick 10 ms, 2 action threads) with allocation sites off.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.resourceguard.benchmarks.DeadlineAccuracy [rounds]
 * </pre>
 *
 * Target: p99 and max at most 50 ms.
 */
public final class DeadlineAccuracy {

    static final int BACKGROUND = 100_000;
    static final int PROBES = 2_000;
    static final long MIN_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MAX_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(600);
    static final double TARGET_MS = 50;

    /** A probe resource: when it was due and when its cancel action started. */
    static final class Probe {
        long deadlineNanos;
        volatile long cancelledAt;
    }

    private DeadlineAccuracy() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        AtomicInteger cancelled = new AtomicInteger();
        GuardConfig config = GuardConfig.builder()
                .name("accuracy")
                .allocationSites(AllocationSites.OFF)
                .build();
        HandleSpec<Object> backgroundSpec =
                HandleSpec.builder("background").timeout(Duration.ofMinutes(10)).build();
        HandleSpec<Probe> probeSpec = HandleSpec.<Probe>builder("probe")
                .onCancel(p -> {
                    p.cancelledAt = System.nanoTime();
                    cancelled.incrementAndGet();
                })
                .build();
        System.out.printf(
                "java %s, %d cores, %s%n",
                System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(), config);

        boolean allPass = true;
        try (ResourceGuard guard = ResourceGuard.create(config)) {
            Handle<?>[] background = new Handle<?>[BACKGROUND];
            for (int i = 0; i < BACKGROUND; i++) {
                background[i] = guard.track(new Object(), backgroundSpec);
            }
            System.out.printf("%,d background handles open, deadlines 10 min out%n", BACKGROUND);
            System.out.printf(
                    "%-6s %6s %8s %8s %8s %8s %8s%n",
                    "round", "fired", "min ms", "p50 ms", "p99 ms", "max ms", "≤ 50 ms");

            SplittableRandom random = new SplittableRandom(7);
            for (int round = 1; round <= rounds; round++) {
                cancelled.set(0);
                Probe[] probes = new Probe[PROBES];
                Handle<?>[] handles = new Handle<?>[PROBES];
                for (int i = 0; i < PROBES; i++) {
                    long timeout = random.nextLong(MIN_TIMEOUT_NANOS, MAX_TIMEOUT_NANOS + 1);
                    Probe p = new Probe();
                    probes[i] = p;
                    long now = System.nanoTime();
                    p.deadlineNanos = now + timeout;
                    handles[i] = guard.track(p, probeSpec, null, Duration.ofNanos(timeout));
                }
                long waitUntil = System.nanoTime() + MAX_TIMEOUT_NANOS + TimeUnit.SECONDS.toNanos(5);
                while (cancelled.get() < PROBES && System.nanoTime() - waitUntil < 0) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                double[] lateMs = millis(probes, p -> p.cancelledAt - p.deadlineNanos);
                int fired = lateMs.length;
                boolean pass =
                        fired == PROBES && percentile(lateMs, 99) <= TARGET_MS && percentile(lateMs, 100) <= TARGET_MS;
                allPass &= pass;
                System.out.printf(
                        "%-6d %6d %8.2f %8.2f %8.2f %8.2f %8s%n",
                        round,
                        fired,
                        percentile(lateMs, 0),
                        percentile(lateMs, 50),
                        percentile(lateMs, 99),
                        percentile(lateMs, 100),
                        pass ? "pass" : "FAIL");
                for (Handle<?> h : handles) {
                    h.close();
                }
            }
            for (Handle<?> h : background) {
                h.close();
            }
        }
        System.out.println(allPass ? "all rounds within target" : "target missed");
    }

    /** {@code f} of each probe whose cancel action ran, in milliseconds, sorted. */
    static double[] millis(Probe[] probes, ToLongFunction<Probe> f) {
        return Arrays.stream(probes)
                .filter(p -> p.cancelledAt != 0)
                .mapToDouble(p -> f.applyAsLong(p) / 1e6)
                .sorted()
                .toArray();
    }

    /** Nearest-rank percentile of sorted values (0: the minimum). */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
