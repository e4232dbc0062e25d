package dev.resourceguard.benchmarks;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code track} + {@code close} of a handle with a deadline, while {@code liveHandles}
 * other handles stay open with deadlines spread over 1 to 60 minutes, against two baselines in the
 * same run: a bare {@link ConcurrentHashMap} put + remove, and the naive tracker from FIELD-NOTES (a map
 * entry plus one {@link ScheduledThreadPoolExecutor} future per handle, scheduled and cancelled, with
 * {@code removeOnCancelPolicy(true)}). Each baseline holds {@code liveHandles} entries of its own kind.
 *
 * <p>Targets: at most 100 ns/op single-threaded; at 1k, 100k and 1M live handles at most 1.5 times the
 * value with none. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class TrackCloseBenchmark {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final long TIMEOUT_NANOS = TIMEOUT.toNanos();

    /** A deadline 1 to 60 minutes out, in nanoseconds. */
    static long liveDeadlineNanos(SplittableRandom random) {
        return TimeUnit.MINUTES.toNanos(1) + random.nextLong(TimeUnit.MINUTES.toNanos(59));
    }

    @State(Scope.Benchmark)
    public static class GuardState {
        @Param({"0", "1000", "100000", "1000000"})
        int liveHandles;

        final Object resource = new Object();
        ResourceGuard guard;
        HandleSpec<Object> reachable;
        HandleSpec<Object> unreachable;
        HandleSpec<Object> noDeadline;
        Handle<?>[] live;

        @Setup(Level.Trial)
        public void setUp() {
            guard = ResourceGuard.create(GuardConfig.builder()
                    .name("bench")
                    .allocationSites(AllocationSites.OFF)
                    .build());
            reachable = HandleSpec.builder("bench").timeout(TIMEOUT).build();
            unreachable = reachable.toBuilder().trackReachability(false).build();
            noDeadline = unreachable.toBuilder().noTimeout().build();
            HandleSpec<Object> liveSpec = HandleSpec.of("bench-live");
            SplittableRandom random = new SplittableRandom(42);
            live = new Handle<?>[liveHandles];
            for (int i = 0; i < liveHandles; i++) {
                live[i] = guard.track(new Object(), liveSpec, null, Duration.ofNanos(liveDeadlineNanos(random)));
            }
            System.gc();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (Handle<?> h : live) {
                h.close();
            }
            guard.close();
        }
    }

    @State(Scope.Benchmark)
    public static class MapState {
        @Param({"0", "1000", "100000", "1000000"})
        int liveHandles;

        final Object resource = new Object();
        final AtomicLong ids = new AtomicLong();
        ConcurrentHashMap<Long, Object> map;

        @Setup(Level.Trial)
        public void setUp() {
            map = new ConcurrentHashMap<>();
            for (int i = 0; i < liveHandles; i++) {
                map.put(ids.incrementAndGet(), new Object());
            }
            System.gc();
        }
    }

    @State(Scope.Benchmark)
    public static class NaiveState {
        @Param({"0", "1000", "100000", "1000000"})
        int liveHandles;

        final Object resource = new Object();
        final AtomicLong ids = new AtomicLong();
        ConcurrentHashMap<Long, Object> map;
        ScheduledThreadPoolExecutor scheduler;

        @Setup(Level.Trial)
        public void setUp() {
            map = new ConcurrentHashMap<>();
            scheduler = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "naive-timeouts");
                t.setDaemon(true);
                return t;
            });
            scheduler.setRemoveOnCancelPolicy(true);
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < liveHandles; i++) {
                Long key = ids.incrementAndGet();
                map.put(key, new Object());
                scheduler.schedule(() -> map.remove(key), liveDeadlineNanos(random), TimeUnit.NANOSECONDS);
            }
            System.gc();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scheduler.shutdownNow();
        }
    }

    // ---- the guard

    @Benchmark
    public Object guard(GuardState s) {
        Handle<Object> h = s.guard.track(s.resource, s.reachable);
        h.close();
        return h;
    }

    @Benchmark
    public Object guardNoReachability(GuardState s) {
        Handle<Object> h = s.guard.track(s.resource, s.unreachable);
        h.close();
        return h;
    }

    @Benchmark
    @Threads(2)
    public Object guard2Threads(GuardState s) {
        Handle<Object> h = s.guard.track(s.resource, s.reachable);
        h.close();
        return h;
    }

    // ---- diagnostics: where the guard's time goes

    /** As {@link #guardNoReachability} without a deadline: no timer-wheel work. */
    @Benchmark
    public Object guardNoDeadline(GuardState s) {
        Handle<Object> h = s.guard.track(s.resource, s.noDeadline);
        h.close();
        return h;
    }

    /** One {@link System#nanoTime()}: the guard reads the ticker once per track. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    // ---- baselines

    @Benchmark
    public Object mapBaseline(MapState s) {
        Long key = s.ids.incrementAndGet();
        s.map.put(key, s.resource);
        return s.map.remove(key);
    }

    @Benchmark
    @Threads(2)
    public Object mapBaseline2Threads(MapState s) {
        Long key = s.ids.incrementAndGet();
        s.map.put(key, s.resource);
        return s.map.remove(key);
    }

    @Benchmark
    public Object naiveBaseline(NaiveState s) {
        Long key = s.ids.incrementAndGet();
        ConcurrentHashMap<Long, Object> map = s.map;
        map.put(key, s.resource);
        ScheduledFuture<?> timeout = s.scheduler.schedule(() -> map.remove(key), TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        timeout.cancel(false);
        map.remove(key);
        return timeout;
    }

    @Benchmark
    @Threads(2)
    public Object naiveBaseline2Threads(NaiveState s) {
        return naiveBaseline(s);
    }
}
