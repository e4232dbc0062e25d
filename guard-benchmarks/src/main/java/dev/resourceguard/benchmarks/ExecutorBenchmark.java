package dev.resourceguard.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Timeout;
import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.GuardedExecutors;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput per task of a 2-thread pool fed by two producers, each submitting batches of 1000
 * fire-and-forget tasks ({@code Blackhole.consumeCPU(10)}) and waiting for its batch: the raw {@link
 * ThreadPoolExecutor}, the same pool wrapped by the guard (each task a tracked handle with a deadline),
 * and the peers the issue names: Micrometer's {@code ExecutorServiceMetrics.monitor} (metrics only),
 * Resilience4j's {@code TimeLimiter} and Failsafe's {@code Timeout}, both with a 30 s timeout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExecutorBenchmark {
    static final int BATCH = 1000;

    /**
     * Also, as controls for the ratio: {@code wrapOnly}, a delegating object per task (the floor of any
     * wrapper that sees a task start and end), and {@code slot}, that plus a per-worker slot written with
     * release stores (the cheapest tracking a watchdog could scan).
     */
    @Param({"raw", "guarded", "micrometer", "resilience4j", "failsafe"})
    public String variant;

    /**
     * Diagnostic: extra CPU tokens ({@code Blackhole.consumeCPU}, about 1 ns each here) burnt by every task
     * on the worker. {@code -p variant=raw -p extraWork=0,120} shows what the raw pool does when each task
     * costs the workers as much more as the guard's bookkeeping does.
     */
    @Param({"0"})
    public int extraWork;

    private ExecutorService pool;
    private ResourceGuard guard;
    private ScheduledExecutorService scheduler;
    private Consumer<Runnable> submit;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        switch (variant) {
            case "raw" -> submit = pool::execute;
            case "guarded" -> {
                guard = ResourceGuard.create(GuardConfig.builder()
                        .name("bench")
                        .allocationSites(AllocationSites.OFF)
                        .build());
                ExecutorService guarded = GuardedExecutors.wrap(pool, guard);
                submit = guarded::execute;
            }
            case "wrapOnly" -> submit = task -> pool.execute(new Wrapped(task));
            case "slot" -> submit = task -> pool.execute(new Slotted(task));
            case "micrometer" -> {
                ExecutorService monitored = ExecutorServiceMetrics.monitor(new SimpleMeterRegistry(), pool, "bench");
                submit = monitored::execute;
            }
            case "resilience4j" -> {
                scheduler = Executors.newSingleThreadScheduledExecutor();
                TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom()
                        .timeoutDuration(Duration.ofSeconds(30))
                        .cancelRunningFuture(true)
                        .build());
                submit =
                        task -> limiter.executeCompletionStage(scheduler, () -> CompletableFuture.runAsync(task, pool));
            }
            case "failsafe" -> {
                FailsafeExecutor<Object> failsafe =
                        Failsafe.with(Timeout.of(Duration.ofSeconds(30))).with(pool);
                submit = task -> failsafe.runAsync(task::run);
            }
            default -> throw new IllegalArgumentException("unknown variant: " + variant);
        }
    }

    /** Control: the floor of any wrapper that must see a task start and end, a delegating object per task. */
    static final class Wrapped implements Runnable {
        final Runnable task;

        Wrapped(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.run();
        }
    }

    /** A per-worker slot (what is running since when), written with plain stores and a release store. */
    static final class Slot {
        static final java.lang.invoke.VarHandle TASK;

        static {
            try {
                TASK = java.lang.invoke.MethodHandles.lookup().findVarHandle(Slot.class, "task", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile Object task;
        long startedAt;
        long completed;
    }

    static final ThreadLocal<Slot> SLOTS = ThreadLocal.withInitial(Slot::new);
    static volatile long coarseNow;

    /** Control: the wrapper plus a per-worker slot, the cheapest tracking that lets a watchdog see hung tasks. */
    static final class Slotted implements Runnable {
        final Runnable task;

        Slotted(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            Slot s = SLOTS.get();
            s.startedAt = coarseNow;
            Slot.TASK.setRelease(s, this);
            try {
                task.run();
            } finally {
                Slot.TASK.setRelease(s, null);
                s.completed++;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (guard != null) {
            guard.close();
        }
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void twoProducers() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH);
        int work = 10 + extraWork;
        Runnable task = () -> {
            Blackhole.consumeCPU(work);
            done.countDown();
        };
        for (int i = 0; i < BATCH; i++) {
            submit.accept(task);
        }
        done.await();
    }
}
