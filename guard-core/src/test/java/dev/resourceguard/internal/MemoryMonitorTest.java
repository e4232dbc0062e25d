package dev.resourceguard.internal;

import static dev.resourceguard.MemoryLevel.CRITICAL;
import static dev.resourceguard.MemoryLevel.HIGH;
import static dev.resourceguard.MemoryLevel.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.MemoryLevel;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import dev.resourceguard.SweepPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {
    private static final long MIB = 1L << 20;
    private static final long HEAP = 1000 * MIB;

    private DefaultGuard guard;

    /** A guard whose own monitor is off; tests drive a separate monitor with synthetic samples. */
    private MemoryMonitor monitor(GuardConfig.Builder b) {
        GuardConfig config = b.name("mem").memoryMonitor(false).build();
        guard = DefaultGuard.start(config);
        return new MemoryMonitor(guard, config, MemoryLimits.Limit.NONE, HEAP);
    }

    @AfterEach
    void close() {
        if (guard != null) {
            guard.close();
        }
    }

    private static org.awaitility.core.ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5));
    }

    @Test
    void levelsRiseAtOnceAndFallOnlyBelowRecovery() {
        double h = 0.85;
        double c = 0.95;
        double r = 0.75;
        assertEquals(NORMAL, MemoryMonitor.next(NORMAL, 0.84, h, c, r));
        assertEquals(HIGH, MemoryMonitor.next(NORMAL, 0.85, h, c, r));
        assertEquals(CRITICAL, MemoryMonitor.next(NORMAL, 0.96, h, c, r));
        assertEquals(HIGH, MemoryMonitor.next(HIGH, 0.80, h, c, r), "hysteresis: stays HIGH above recovery");
        assertEquals(NORMAL, MemoryMonitor.next(HIGH, 0.74, h, c, r));
        assertEquals(CRITICAL, MemoryMonitor.next(CRITICAL, 0.90, h, c, r), "stays CRITICAL above high");
        assertEquals(HIGH, MemoryMonitor.next(CRITICAL, 0.80, h, c, r));
        assertEquals(NORMAL, MemoryMonitor.next(CRITICAL, 0.50, h, c, r));
    }

    @Test
    void usageHoveringAtTheThresholdDoesNotStartASweepStorm() {
        MemoryMonitor m = monitor(GuardConfig.builder());
        long now = 0;
        for (int i = 0; i < 200; i++) {
            m.offer(i % 2 == 0 ? 860 * MIB : 840 * MIB, -1, now += 5_000_000);
        }
        assertEquals(HIGH, m.level());
        await().until(() -> guard.stats().sweeps("HIGH") == 1);
        // hovering around the critical mark: one emergency sweep per spacing interval at most
        for (int i = 0; i < 200; i++) {
            m.offer(i % 2 == 0 ? 960 * MIB : 940 * MIB, -1, now += 5_000_000); // 1 s in all
        }
        long maxRounds = 1_000_000_000L / MemoryMonitor.EMERGENCY_SPACING_NANOS + 1;
        await().until(() -> guard.stats().sweeps("CRITICAL") >= 1);
        assertTrue(
                guard.stats().sweeps("CRITICAL") <= maxRounds,
                "rounds: " + guard.stats().sweeps("CRITICAL"));
        assertEquals(1, guard.stats().sweeps("HIGH"), "no further HIGH sweep while the level never fell");
        m.offer(500 * MIB, -1, now += 5_000_000);
        assertEquals(NORMAL, m.level());
        assertTrue(guard.report().recentEvents().stream().anyMatch(e -> e.type() == GuardEvent.Type.MEMORY_LEVEL));
    }

    @Test
    void criticalSweepCancelsTheLargestWorkFirstAndSparesProtectedHandles() throws Exception {
        MemoryMonitor m = monitor(GuardConfig.builder().forceCloseGrace(Duration.ofMillis(50)));
        HandleSpec<String> buffer =
                HandleSpec.<String>builder("buffer").trackReachability(false).build();
        Handle<String> small = guard.track("small", buffer);
        small.setCostBytes(10 * MIB);
        Handle<String> large = guard.track("large", buffer);
        large.setCostBytes(300 * MIB);
        Handle<String> kept = guard.track(
                "kept",
                HandleSpec.<String>builder("buffer")
                        .protect(true)
                        .trackReachability(false)
                        .build());
        kept.setCostBytes(900 * MIB);
        Handle<String> medium = guard.track("medium", buffer);
        medium.setCostBytes(150 * MIB);

        // A task holding memory on a thread: it is cancelled (interrupted), not closed under its feet.
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Handle<String> task = guard.openTask("hog", Duration.ofMinutes(5));
        task.setCostBytes(200 * MIB);
        Thread worker = new Thread(() -> {
            try (Scope s = task.enter()) {
                entered.countDown();
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            } finally {
                task.close();
            }
        });
        worker.start();
        assertTrue(entered.await(20, TimeUnit.SECONDS));

        // 970 MiB used of 1000: down to 750 needs 220 MiB: the large buffer (300) covers it alone.
        m.offer(970 * MIB, -1, 1);
        assertEquals(CRITICAL, m.level());
        await().until(() -> large.state() == HandleState.CLOSED);
        assertEquals(CloseCause.SWEPT, large.closeCause().orElseThrow());
        assertEquals(HandleState.OPEN, medium.state());
        assertEquals(HandleState.OPEN, task.state());

        // Still critical after the next collection: the next largest go, the protected one never.
        m.offer(990 * MIB, -1, 1 + MemoryMonitor.EMERGENCY_SPACING_NANOS);
        assertTrue(interrupted.await(20, TimeUnit.SECONDS), "the task (200 MiB) is cancelled next");
        await().until(() -> medium.state() == HandleState.CLOSED);
        assertEquals(HandleState.OPEN, kept.state(), "protected handles survive a CRITICAL sweep");
        worker.join(20_000);
        assertEquals(CloseCause.SWEPT, task.closeCause().orElseThrow());
        assertTrue(guard.stats().sweeps("CRITICAL") >= 2);
        assertTrue(guard.report().recentEvents().stream()
                .anyMatch(e -> e.type() == GuardEvent.Type.SWEEP && e.message().contains("CRITICAL")));
        kept.close();
        small.close();
    }

    @Test
    void aCustomPolicyDecidesTheOrder() {
        List<String> seen = new ArrayList<>();
        SweepPolicy oldestFirst = (candidates, idle) -> {
            List<HandleView> list = new ArrayList<>(candidates);
            list.sort((a, b) -> Long.compare(a.id(), b.id()));
            list.forEach(h -> seen.add(h.name()));
            return list;
        };
        MemoryMonitor m = monitor(GuardConfig.builder().sweepPolicy(oldestFirst));
        HandleSpec<String> spec =
                HandleSpec.<String>builder("buffer").trackReachability(false).build();
        Handle<String> first = guard.track("first", spec, "first", null);
        first.setCostBytes(400 * MIB);
        Handle<String> second = guard.track("second", spec, "second", null);
        second.setCostBytes(900 * MIB);
        m.offer(990 * MIB, -1, 1);
        await().until(() -> first.state() == HandleState.CLOSED);
        assertEquals(HandleState.OPEN, second.state(), "400 MiB from the oldest was enough");
        assertEquals(List.of("first", "second"), seen);
        second.close();
    }

    @Test
    void manualSweepOnAGuardWithTheMonitorOn() {
        try (ResourceGuard g =
                ResourceGuard.create(GuardConfig.builder().name("on").build())) {
            assertEquals(MemoryLevel.NORMAL, g.stats().memoryLevel());
            assertTrue(g.stats().heapMax() > 0);
            System.gc();
            await().until(() -> g.stats().heapUsedAfterGc() > 0);
            assertEquals(0, g.sweep().count());
            assertEquals(1, g.stats().sweeps("manual"));
            String text = g.report().toText();
            assertTrue(text.contains("after GC"), text);
        }
    }
}
