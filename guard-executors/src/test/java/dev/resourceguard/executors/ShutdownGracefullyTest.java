package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.GuardedExecutorService.RunningTask;
import dev.resourceguard.executors.GuardedExecutorService.ShutdownReport;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ShutdownGracefullyTest {
    static final Duration GRACE = Duration.ofMillis(100);

    @RegisterExtension
    final GuardExtension guards =
            GuardExtension.withConfig(b -> b.forceCloseGrace(GRACE).stuckGrace(Duration.ofMillis(100)));

    @Test
    void returnsOnTimeWhenTasksIgnoreInterrupts(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(2), guard);
        Stubborn stubborn = new Stubborn(2);
        List<Future<?>> queued = new ArrayList<>();
        try {
            pool.submit("stubborn-1", null, stubborn::ignoreInterrupts);
            pool.submit("stubborn-2", null, stubborn::ignoreInterrupts);
            assertTrue(stubborn.awaitStarted());
            for (int i = 0; i < 3; i++) {
                queued.add(pool.submit(() -> "queued"));
            }
            Duration timeout = Duration.ofMillis(600);
            long start = System.nanoTime();
            ShutdownReport report = pool.shutdownGracefully(timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(took.compareTo(timeout) >= 0, "returned early: " + took);
            assertTrue(took.compareTo(timeout.plusSeconds(1)) < 0, "took " + took); // a margin for overloaded machines
            assertEquals(0, report.completed());
            assertEquals(3, report.cancelled());
            assertFalse(report.terminated());
            assertFalse(report.isClean());
            assertEquals(2, report.stillRunning().size(), report.toString());
            for (RunningTask t : report.stillRunning()) {
                assertTrue(t.task().startsWith("task 'stubborn-"), t.task());
                assertTrue(
                        t.stack().stream().anyMatch(f -> f.getMethodName().equals("ignoreInterrupts")), t.toString());
            }
            for (Future<?> f : queued) {
                assertTrue(f.isCancelled()); // waiters released, not left hanging
            }
            assertTrue(pool.isShutdown());
        } finally {
            stubborn.release();
        }
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void letsRunningAndQueuedTasksFinishWhenTheyCan(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        futures.add(pool.submit(() -> {
            go.await();
            return "first";
        }));
        futures.add(pool.submit(() -> "second"));
        Thread releaser = new Thread(() -> {
            Awaits.await().until(pool::isShutdown); // the first task ends after the shutdown started
            go.countDown();
        });
        releaser.start();
        ShutdownReport report = pool.shutdownGracefully(Duration.ofSeconds(10));
        releaser.join();
        assertTrue(report.isClean(), report.toString());
        assertEquals(2, report.completed());
        assertEquals(0, report.cancelled());
        assertEquals("first", futures.get(0).get());
        assertEquals("second", futures.get(1).get());
        assertTrue(report.took().compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void cancelsInterruptibleTasksAfterTheGracePeriod(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        CountDownLatch started = new CountDownLatch(1);
        Future<Object> f = pool.submit(() -> {
            started.countDown();
            Thread.sleep(60_000);
            return null;
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        ShutdownReport report = pool.shutdownGracefully(Duration.ofMillis(400));
        assertTrue(report.terminated(), report.toString());
        assertEquals(1, report.cancelled());
        assertTrue(report.stillRunning().isEmpty());
        assertTrue(f.isCancelled());
        assertTrue(report.took().compareTo(Duration.ofMillis(1400)) < 0, report.toString());
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }
}
