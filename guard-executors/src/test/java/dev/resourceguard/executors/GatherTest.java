package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GatherTest {
    static final Duration GRACE = Duration.ofMillis(100);

    @RegisterExtension
    final GuardExtension guards =
            GuardExtension.withConfig(b -> b.forceCloseGrace(GRACE).stuckGrace(Duration.ofMillis(100)));

    GuardedExecutorService pool;

    @AfterEach
    void shutdown() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void mixedOutcomesComeBackInOrderWithinTimeoutPlusGrace(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(5), guard);
        Stubborn stubborn = new Stubborn(1);
        AtomicReference<Handle<Object>> resource = new AtomicReference<>();
        AtomicReference<CloseCause> resourceClosed = new AtomicReference<>();
        HandleSpec<Object> spec = HandleSpec.builder("client")
                .onClose((r, cause) -> resourceClosed.set(cause))
                .build();
        CountDownLatch sleeperInterrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> "a",
                () -> {
                    throw new IOException("no route");
                },
                () -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        sleeperInterrupted.countDown();
                        throw e;
                    }
                    return "never";
                },
                () -> {
                    resource.set(guard.track(new Object(), spec)); // owned by the task, never closed by it
                    stubborn.ignoreInterrupts();
                    return "late";
                },
                () -> {
                    Thread.sleep(20);
                    return "e";
                });
        Duration timeout = Duration.ofMillis(300);
        try {
            long start = System.nanoTime();
            GatherResult<String> r = pool.gather(tasks, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(List.of("a", "e"), r.values());
            Map<Integer, Throwable> failures = r.failures();
            assertEquals(List.of(1), List.copyOf(failures.keySet()));
            assertInstanceOf(IOException.class, failures.get(1));
            assertEquals(List.of(2, 3), r.timedOut());
            assertFalse(r.isComplete());
            assertEquals(GatherResult.Status.COMPLETED, r.outcomes().get(4).status());
            assertTrue(took.compareTo(timeout) >= 0, "returned early: " + took);
            // timeout + grace, plus a margin for an overloaded machine; a task that ignores interrupts cannot hold it
            assertTrue(took.compareTo(timeout.plus(GRACE).plusSeconds(1)) < 0, "took " + took);
            assertTrue(r.elapsed().compareTo(took) <= 0);
            // The straggler's resource was force-closed before gather returned; the sleeper was interrupted.
            assertEquals(HandleState.CLOSED, resource.get().state());
            assertEquals(CloseCause.TIMED_OUT, resourceClosed.get());
            assertTrue(sleeperInterrupted.await(10, TimeUnit.SECONDS));
            assertTrue(r.toString().startsWith("gather of 5 in "), r.toString());
            assertTrue(r.toString().endsWith(": 2 completed, 1 failed, 2 timed out"), r.toString());
        } finally {
            stubborn.release();
        }
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void tasksNotStartedByTheDeadlineNeverRun(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        AtomicBoolean ran = new AtomicBoolean();
        GatherResult<String> r = pool.gather(
                List.of(
                        () -> {
                            Thread.sleep(60_000);
                            return "never";
                        },
                        () -> {
                            ran.set(true);
                            return "queued";
                        }),
                Duration.ofMillis(150));
        assertEquals(List.of(0, 1), r.timedOut());
        assertTrue(r.values().isEmpty());
        assertEquals("probe", pool.submit(() -> "probe").get(10, TimeUnit.SECONDS)); // the queue has drained
        assertFalse(ran.get());
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void aGatherThatCompletesReturnsAtOnce(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(2), guard);
        GatherResult<Integer> r = pool.gather(List.of(() -> 1, () -> 2, () -> null), Duration.ofSeconds(30));
        assertTrue(r.isComplete());
        assertEquals(3, r.values().size());
        assertEquals(1, r.values().get(0));
        assertNull(r.values().get(2));
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(10)) < 0);
        assertTrue(
                pool.gather(List.<Callable<Integer>>of(), Duration.ofSeconds(1)).isComplete());
    }

    @Test
    void anInterruptedGatherCancelsEveryTask(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(2), guard);
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        Callable<String> hang = () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "never";
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                pool.gather(List.of(hang, hang), Duration.ofSeconds(60));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(10_000);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }
}
