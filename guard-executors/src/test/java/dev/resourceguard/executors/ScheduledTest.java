package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardListener;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScheduledTest {

    final List<String> closed = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(
            b -> b.forceCloseGrace(Duration.ofMillis(100)).listener(new GuardListener() {
                @Override
                public void onClose(HandleView handle, CloseCause cause) {
                    closed.add(handle.name() + ":" + cause);
                }
            }));

    GuardedScheduledExecutorService pool;

    @AfterEach
    void shutdown() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aOneShotScheduleIsATrackedTask(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newScheduledThreadPool(1), guard);
        ScheduledFuture<String> f = pool.schedule("later", null, () -> "done", 20, TimeUnit.MILLISECONDS);
        assertTrue(f.getDelay(TimeUnit.SECONDS) <= 1);
        assertEquals("done", f.get(10, TimeUnit.SECONDS));
        assertTrue(closed.contains("later:COMPLETED"), closed.toString());

        ScheduledFuture<Object> hang = pool.schedule(
                "hangs",
                Duration.ofMillis(100),
                () -> {
                    Thread.sleep(60_000);
                    return null;
                },
                0,
                TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> hang.get(10, TimeUnit.SECONDS));
        assertInstanceOf(DeadlineExceededException.class, e.getCause());

        ScheduledFuture<?> never = pool.schedule(() -> closed.add("ran"), 1, TimeUnit.HOURS);
        assertTrue(never.cancel(true));
        assertThrows(CancellationException.class, never::get);
        Awaits.await().until(() -> guard.openHandles().isEmpty());
        assertEquals(3, pool.stats().submitted()); // the cancelled one too
        assertEquals(1, pool.stats().cancelled());
    }

    @Test
    void eachPeriodicRunIsTrackedAndATimedOutRunDoesNotEndTheSchedule(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newScheduledThreadPool(1), guard);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch afterTimeout = new CountDownLatch(2);
        ScheduledFuture<?> f = pool.scheduleWithFixedDelay(
                "poll",
                Duration.ofMillis(100),
                () -> {
                    if (runs.incrementAndGet() == 1) {
                        try {
                            Thread.sleep(60_000); // hangs; the guard interrupts it at 100 ms
                        } catch (InterruptedException expected) {
                            return;
                        }
                    }
                    afterTimeout.countDown();
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        assertTrue(afterTimeout.await(10, TimeUnit.SECONDS));
        assertTrue(closed.contains("poll:TIMED_OUT"), closed.toString());
        assertTrue(closed.contains("poll:COMPLETED"), closed.toString());
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        assertTrue(pool.stats().timedOut() >= 1);
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void aPeriodicRunThatThrowsEndsTheSchedule(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newScheduledThreadPool(1), guard);
        ScheduledFuture<?> f = pool.scheduleAtFixedRate(
                () -> {
                    throw new IllegalStateException("broken");
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("broken", e.getCause().getMessage());
        assertEquals(1, pool.stats().failed());
    }
}
