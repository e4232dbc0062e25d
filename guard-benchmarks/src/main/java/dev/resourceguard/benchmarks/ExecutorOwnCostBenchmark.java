package dev.resourceguard.benchmarks;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.GuardedExecutors;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The wrapper's own cost per task: each variant wraps an executor that runs the task in the caller's
 * thread, so no queue or thread hand-off is measured, only bookkeeping. The target: the guard
 * adds at most 100 ns over the raw direct executor (Micrometer's monitor adds about 170 ns here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExecutorOwnCostBenchmark {

    @Param({"raw", "guarded", "micrometer"})
    public String variant;

    private ExecutorService executor;
    private ResourceGuard guard;
    private final Runnable task = () -> Blackhole.consumeCPU(10);

    /** Runs every task in the calling thread. */
    static final class DirectExecutorService extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        ExecutorService direct = new DirectExecutorService();
        switch (variant) {
            case "raw" -> executor = direct;
            case "guarded" -> {
                guard = ResourceGuard.create(GuardConfig.builder()
                        .name("bench-direct")
                        .allocationSites(AllocationSites.OFF)
                        .build());
                executor = GuardedExecutors.wrap(direct, guard);
            }
            case "micrometer" -> executor = ExecutorServiceMetrics.monitor(new SimpleMeterRegistry(), direct, "direct");
            default -> throw new IllegalArgumentException("unknown variant: " + variant);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (guard != null) {
            guard.close();
        }
    }

    @Benchmark
    public void execute() {
        executor.execute(task);
    }
}
