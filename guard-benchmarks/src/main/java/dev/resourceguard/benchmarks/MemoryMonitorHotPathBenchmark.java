package dev.resourceguard.benchmarks;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether the memory monitor costs anything on the task hot path: the same operations on a guard with
 * the monitor on (the default: a listener on every collector's MXBean, evaluated on the watchdog) and
 * off ({@code GuardConfig.memoryMonitor(false)}), in the same run. The operations allocate (about 200
 * B/op), so young collections, and with them the monitor's notifications, keep coming while they run.
 * The monitor's thresholds are never crossed here (use stays far below 85 % of a 2 GiB heap).
 *
 * <p>{@code -XX:+AlwaysPreTouch}: this machine's memory is backed lazily; without pre-touching the
 * heap, allocation-heavy benchmarks vary five-fold between forks.
 *
 * <p>Target: the monitor costs nothing: on/off within the noise of the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class MemoryMonitorHotPathBenchmark {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({"true", "false"})
    boolean memoryMonitor;

    final Object resource = new Object();
    ResourceGuard guard;
    HandleSpec<Object> spec;

    @Setup(Level.Trial)
    public void setUp() {
        guard = ResourceGuard.create(GuardConfig.builder()
                .name("monitor-" + memoryMonitor)
                .allocationSites(AllocationSites.OFF)
                .memoryMonitor(memoryMonitor)
                .build());
        spec = HandleSpec.builder("bench").timeout(TIMEOUT).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guard.close();
    }

    /** {@code track} + {@code close} of a handle with a 30 s deadline. */
    @Benchmark
    public Object trackClose() {
        Handle<Object> h = guard.track(resource, spec);
        h.close();
        return h;
    }

    /** A task's life on a worker: open, enter, one owned resource, close both. */
    @Benchmark
    public Object taskWithResource() {
        Handle<String> task = guard.openTask("task", TIMEOUT);
        try (Scope s = task.enter()) {
            guard.track(resource, spec).close();
        }
        task.close();
        return task;
    }

    /** {@code openTask} + {@code close}. */
    @Benchmark
    public Object openTaskClose() {
        Handle<String> task = guard.openTask("task", TIMEOUT);
        task.close();
        return task;
    }
}
