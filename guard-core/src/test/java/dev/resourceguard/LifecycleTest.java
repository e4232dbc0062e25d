package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @RepeatedTest(20)
    void eightThreadsClosingOneHandleRunTheCloseActionOnce() throws Exception {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build())) {
            AtomicInteger closes = new AtomicInteger();
            Handle<Object> h = guard.track(
                    new Object(),
                    HandleSpec.builder("res")
                            .onClose((r, c) -> closes.incrementAndGet())
                            .build());
            CyclicBarrier start = new CyclicBarrier(8);
            AtomicInteger winners = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                CloseCause cause = CloseCause.values()[i % CloseCause.values().length];
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    if (h.close(cause)) {
                        winners.incrementAndGet();
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(20_000);
            }
            assertEquals(1, closes.get());
            assertEquals(1, winners.get());
            assertEquals(HandleState.CLOSED, h.state());
            assertTrue(guard.openHandles().isEmpty());
            long closedCount = 0;
            for (CloseCause c : CloseCause.values()) {
                closedCount += guard.stats().closed("res", c);
            }
            assertEquals(1, closedCount);
        }
    }

    @Test
    void closeIsIdempotentAndKeepsTheFirstCause() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build())) {
            Handle<Object> h = guard.track(new Object(), HandleSpec.of("res"));
            assertTrue(h.close(CloseCause.FAILED));
            assertFalse(h.close(CloseCause.COMPLETED));
            h.close();
            assertEquals(CloseCause.FAILED, h.closeCause().orElseThrow());
        }
    }

    @Test
    void closeActionFailureIsReportedAndTheHandleStillCloses() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build())) {
            Handle<Object> h = guard.track(
                    new Object(),
                    HandleSpec.builder("res")
                            .onClose((r, c) -> {
                                throw new java.io.IOException("disk on fire");
                            })
                            .build());
            h.close();
            assertEquals(HandleState.CLOSED, h.state());
            assertEquals(1, guard.stats().actionFailures());
            assertTrue(guard.report().recentEvents().stream()
                    .anyMatch(e -> e.type() == GuardEvent.Type.ACTION_FAILED
                            && e.message().contains("disk on fire")));
            assertTrue(guard.openHandles().isEmpty());
        }
    }

    @Test
    void shutdownCancelsRunningTasksAndClosesEverythingChildrenFirst() throws Exception {
        ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build());
        List<String> log = new CopyOnWriteArrayList<>();
        HandleSpec<String> spec = HandleSpec.<String>builder("res")
                .onClose((r, c) -> log.add(r + " " + c))
                .trackReachability(false)
                .build();
        Handle<String> standalone = guard.track("standalone", spec);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            Handle<String> task = guard.openTask("long", Duration.ofMinutes(10));
            try (Scope s = task.enter()) {
                guard.track("conn", spec);
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

        ResourceGuard.ShutdownReport report = guard.shutdown();
        assertTrue(report.isClean(), report.toString());
        assertEquals(3, report.closed());
        assertTrue(interrupted.await(20, TimeUnit.SECONDS));
        assertTrue(log.contains("conn SHUTDOWN") && log.contains("standalone SHUTDOWN"), log.toString());
        assertTrue(guard.isClosed());
        assertTrue(guard.openHandles().isEmpty());
        assertEquals(CloseCause.SHUTDOWN, standalone.closeCause().orElseThrow());
        GuardClosedException ex =
                assertThrows(GuardClosedException.class, () -> guard.track("late", HandleSpec.of("res")));
        assertTrue(ex.getMessage().contains("guard is closed"), ex.getMessage());
        assertEquals(report, guard.shutdown(), "idempotent");
        worker.join(20_000);
    }

    @Test
    void shutdownReportsWhatItCouldNotClose() {
        ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .shutdownTimeout(Duration.ofMillis(200))
                .actionTimeout(Duration.ofSeconds(30))
                .build());
        CountDownLatch never = new CountDownLatch(1);
        Handle<Object> stubborn = guard.track(
                new Object(),
                HandleSpec.builder("stubborn").onClose((r, c) -> never.await()).build());
        ResourceGuard.ShutdownReport report = guard.shutdown();
        assertFalse(report.isClean());
        assertEquals(1, report.notClosed().size());
        assertTrue(report.notClosed().get(0).startsWith("stubborn"), report.toString());
        assertTrue(
                report.took().compareTo(Duration.ofSeconds(10)) < 0,
                report.took().toString());
        never.countDown();
        await().until(() -> guard.openHandles().isEmpty());
        assertEquals(CloseCause.SHUTDOWN, stubborn.closeCause().orElseThrow());
    }

    @Test
    void shutdownHookIsInstalledOnceAndRemovedOnClose() {
        ResourceGuard guard =
                ResourceGuard.create(TestSupport.fast().shutdownHook(true).build());
        guard.installShutdownHook();
        guard.close();
        assertTrue(guard.isClosed());
    }
}
