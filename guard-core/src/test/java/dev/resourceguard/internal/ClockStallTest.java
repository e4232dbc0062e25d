package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.HandleSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The never-early rule against a real stalled watchdog: while another thread holds one registry
 * stripe's lock, the watchdog blocks in its advance and publishes no time, so handles tracked meanwhile
 * (into another stripe) are stamped with a time up to the whole stall old. Their deadlines must still
 * count from when they were really opened.
 */
class ClockStallTest {

    @Test
    void handlesStampedDuringAWatchdogStallAreNeverCancelledEarly() throws Exception {
        DefaultGuard guard = DefaultGuard.start(GuardConfig.builder()
                .name("stall")
                .allocationSites(AllocationSites.OFF)
                .build());
        try {
            Stripe mine = guard.registry.stripeForCurrentThread();
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Stripe> held = new AtomicReference<>();
            Thread staller = null;
            for (int attempt = 0; attempt < 64 && held.get() == null; attempt++) {
                CountDownLatch chosen = new CountDownLatch(1);
                Thread t = new Thread(() -> {
                    Stripe s = guard.registry.stripeForCurrentThread();
                    if (s == mine) {
                        chosen.countDown();
                        return; // same stripe as the test thread: try another thread
                    }
                    s.lock.lock();
                    held.set(s);
                    chosen.countDown();
                    locked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        s.lock.unlock();
                    }
                });
                t.start();
                chosen.await();
                staller = t;
            }
            assertTrue(locked.await(10, TimeUnit.SECONDS), "a thread on another stripe holds its lock");
            assertNotSame(mine, held.get());
            // Let the watchdog run into the held stripe and block there.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stalled(guard));

            int n = 20;
            long timeout = TimeUnit.MILLISECONDS.toNanos(100);
            long[] before = new long[n];
            long[] cancelledAt = new long[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                HandleSpec<Object> spec = HandleSpec.builder("stalled")
                        .timeout(Duration.ofNanos(timeout))
                        .onCancel(r -> cancelledAt[k] = System.nanoTime())
                        .build();
                before[k] = System.nanoTime();
                guard.track(new Object(), spec);
                TimeUnit.MILLISECONDS.sleep(10); // handles opened along a 200 ms stall
            }
            release.countDown();
            staller.join(10_000);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(cancelledAt)
                    .allMatch(t -> t != 0));
            for (int i = 0; i < n; i++) {
                long ran = cancelledAt[i] - before[i];
                assertTrue(ran >= timeout, "handle " + i + " cancelled " + (timeout - ran) / 1_000 + " µs early");
            }
        } finally {
            guard.close();
        }
    }

    /** Whether the published time has stopped moving for three ticks' worth. */
    private static boolean stalled(DefaultGuard guard) throws InterruptedException {
        long s = guard.clock.stamp();
        TimeUnit.MILLISECONDS.sleep(35);
        return guard.clock.stamp() == s;
    }
}
