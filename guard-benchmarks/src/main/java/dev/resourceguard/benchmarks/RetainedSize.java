package dev.resourceguard.benchmarks;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * Heap retained per live handle: opens N handles with deadlines (allocation sites off), forces
 * collection, and divides the growth of used heap by N; with reachability tracking on and off, and for
 * a bare {@code ConcurrentHashMap<Long,Object>} entry as the baseline. Every handle shares one resource
 * object, so only the tracking is counted; the array that holds the handles is allocated before the
 * first reading and not counted. JMH cannot measure retained heap, hence a plain program.
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp target/benchmarks.jar dev.resourceguard.benchmarks.RetainedSize [N] [--histo]
 * </pre>
 *
 * {@code --histo} also prints the classes with at least N/2 live instances (a class histogram taken
 * through the DiagnosticCommand MBean), to show what the bytes are made of.
 */
public final class RetainedSize {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final Object RESOURCE = new Object();

    private RetainedSize() {}

    public static void main(String[] args) throws Exception {
        int n = 1_000_000;
        boolean histo = false;
        for (String a : args) {
            if (a.equals("--histo")) {
                histo = true;
            } else {
                n = Integer.parseInt(a.replace("_", ""));
            }
        }
        System.out.printf(
                "N=%,d, java %s, %s, max heap %d MiB, collectors %s%n",
                n,
                System.getProperty("java.vm.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.toList()));

        List<String[]> rows = new ArrayList<>();
        // Warm-up pass: loads and initialises every class involved, so the measured passes see only data.
        measureGuard(Math.min(n, 10_000), true, false);
        measureGuard(Math.min(n, 10_000), false, false);
        measureMap(Math.min(n, 10_000), false);

        double map = measureMap(n, histo);
        double on = measureGuard(n, true, histo);
        double off = measureGuard(n, false, histo);
        rows.add(row("ConcurrentHashMap<Long,Object> entry (baseline)", map, map));
        rows.add(row("guard handle, reachability on", on, map));
        rows.add(row("guard handle, reachability off", off, map));

        System.out.println();
        System.out.printf("%-50s %14s %12s %10s%n", "variant", "bytes/handle", "× baseline", "≤ 200 B");
        for (String[] r : rows) {
            System.out.printf("%-50s %14s %12s %10s%n", (Object[]) r);
        }
    }

    private static String[] row(String name, double bytes, double baseline) {
        return new String[] {
            name, String.format("%.1f", bytes), String.format("%.2f", bytes / baseline), bytes <= 200 ? "pass" : "FAIL"
        };
    }

    private static double measureMap(int n, boolean histo) throws Exception {
        ConcurrentHashMap<Long, Object> map = new ConcurrentHashMap<>();
        long before = settledHeapUsed();
        for (long i = 1; i <= n; i++) {
            map.put(i, RESOURCE);
        }
        long after = settledHeapUsed();
        double per = (after - before) / (double) n;
        if (n >= 100_000) {
            System.out.printf(
                    "map:                   %,d entries, heap +%,d B, %.1f B/entry%n", map.size(), after - before, per);
            if (histo) {
                printHistogram(n);
            }
        }
        Reference.reachabilityFence(map);
        return per;
    }

    private static double measureGuard(int n, boolean reachability, boolean histo) throws Exception {
        ResourceGuard guard = ResourceGuard.create(GuardConfig.builder()
                .name("retained")
                .allocationSites(AllocationSites.OFF)
                .build());
        HandleSpec<Object> spec =
                HandleSpec.builder("retained").trackReachability(reachability).build();
        Handle<?>[] handles = new Handle<?>[n];
        SplittableRandom random = new SplittableRandom(42);
        // Deadlines spread over 1 to 60 minutes; the Duration objects are made up front, so not counted.
        Duration[] timeouts = new Duration[64];
        for (int i = 0; i < timeouts.length; i++) {
            timeouts[i] = Duration.ofNanos(TrackCloseBenchmark.liveDeadlineNanos(random));
        }
        long before = settledHeapUsed();
        for (int i = 0; i < n; i++) {
            handles[i] = guard.track(RESOURCE, spec, null, timeouts[i & 63]);
        }
        long after = settledHeapUsed();
        double per = (after - before) / (double) n;
        if (n >= 100_000) {
            System.out.printf(
                    "guard, reachability %-3s: %,d open, heap +%,d B, %.1f B/handle%n",
                    reachability ? "on" : "off", guard.stats().open("retained"), after - before, per);
            if (histo) {
                printHistogram(n);
            }
        }
        for (Handle<?> h : handles) {
            h.close();
        }
        guard.close();
        return per;
    }

    /** Used heap after repeated full collections, once two readings in a row agree within 0.1 %. */
    private static long settledHeapUsed() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - previous) <= previous / 1000) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /** Prints the classes with at least {@code n / 2} instances from a live-object class histogram. */
    private static void printHistogram(int n) throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                long instances = Long.parseLong(f[1]);
                if (instances >= n / 2) {
                    System.out.printf(
                            "    %-60s %,12d instances %,14d B  (%.1f B each)%n",
                            f[3], instances, Long.parseLong(f[2]), Long.parseLong(f[2]) / (double) instances);
                }
            }
        }
    }
}
