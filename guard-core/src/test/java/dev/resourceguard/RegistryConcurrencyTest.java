package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The registry under concurrent use: threads track into their own stripes and close each other's
 * handles; ids stay unique and the per-kind counts (kept per stripe, without atomics) add up.
 */
class RegistryConcurrencyTest {

    @Test
    void idsAreUniqueAndCountsAddUpWhenThreadsCloseEachOthersHandles() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        HandleSpec<Object> spec =
                HandleSpec.builder("conc").timeout(Duration.ofMinutes(1)).build();
        try (ResourceGuard guard = ResourceGuard.create(GuardConfig.builder()
                .name("conc")
                .allocationSites(AllocationSites.OFF)
                .build())) {
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            BlockingQueue<Handle<Object>> handOff = new ArrayBlockingQueue<>(1024);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perProducer; i++) {
                            Handle<Object> h = guard.track(new Object(), spec);
                            assertTrue(ids.add(h.id()), "duplicate id " + h.id());
                            if (i % 2 == 0) {
                                h.close();
                            } else {
                                handOff.put(h); // closed by a consumer, on another thread and stripe
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads.add(t);
            }
            int handedOff = producers * perProducer / 2;
            Thread consumer = new Thread(() -> {
                try {
                    for (int i = 0; i < handedOff; i++) {
                        handOff.take().close(CloseCause.CANCELLED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(consumer);
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(3));
                assertFalse(t.isAlive(), t.getName() + " finished");
            }
            int total = producers * perProducer;
            assertEquals(total, ids.size());
            GuardStats s = guard.stats();
            assertEquals(0, s.open("conc"));
            assertEquals(total, s.opened());
            assertEquals(total / 2, s.closed("conc", CloseCause.COMPLETED));
            assertEquals(total / 2, s.closed("conc", CloseCause.CANCELLED));
            assertEquals(0, guard.openHandles().size());
        }
    }

    /**
     * A child tracked while its owner closes on another thread is never left open in the registry: the
     * owner closes it, or the tracking thread sees the owner closed and closes it as leaked.
     */
    @Test
    void childTrackedWhileItsOwnerClosesIsNeverLeftOpen() throws Exception {
        try (ResourceGuard guard = ResourceGuard.create(GuardConfig.builder()
                .name("race")
                .allocationSites(AllocationSites.OFF)
                .build())) {
            HandleSpec<Object> child = HandleSpec.of("child");
            for (int round = 0; round < 2_000; round++) {
                Handle<String> owner = guard.openTask("owner-" + round, Duration.ofMinutes(1));
                CountDownLatch entered = new CountDownLatch(1);
                Thread closer = new Thread(() -> {
                    try {
                        entered.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    owner.close();
                });
                closer.start();
                Handle<Object> c;
                try (Scope ignored = owner.enter()) {
                    entered.countDown();
                    c = guard.track(new Object(), child);
                } catch (GuardException | IllegalStateException expected) {
                    c = null; // the owner closed before enter: nothing tracked
                }
                closer.join(TimeUnit.MINUTES.toMillis(1));
                assertFalse(closer.isAlive());
                if (c != null) {
                    Handle<Object> tracked = c;
                    // Either the owner saw it (closed LEAKED) or it was opened after the owner ended
                    // and is standalone; in both cases nothing stays open once the owner is gone,
                    // except a standalone handle, which the test closes itself.
                    if (tracked.owner().isPresent()) {
                        TestSupport.await().pollDelay(Duration.ZERO).until(() -> tracked.state() == HandleState.CLOSED);
                    } else {
                        tracked.close();
                    }
                }
            }
            TestSupport.await().until(() -> guard.openHandles().isEmpty());
        }
    }
}
