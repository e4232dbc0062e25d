package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardStats;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The nurseries: a platform thread's new handles stay out of the registry's stripes until promoted (by
 * the watchdog's tick, a snapshot, a cancel or a deadline change); a handle closed young is counted
 * once, whichever thread closes it and however it races with a promotion.
 */
class NurseryTest {
    private static final HandleSpec<Object> SPEC =
            HandleSpec.builder("young").timeout(Duration.ofMinutes(5)).build();

    private DefaultGuard guard;

    private DefaultGuard start(Duration tick) {
        guard = DefaultGuard.start(GuardConfig.builder()
                .name("nursery")
                .allocationSites(AllocationSites.OFF)
                .watchdogTick(tick)
                .build());
        return guard;
    }

    @AfterEach
    void close() {
        if (guard != null) {
            guard.close();
        }
    }

    /** With a one-second tick, the assertions right after {@code track} run long before the watchdog's. */
    @Test
    void aYoungHandleStaysOutOfTheStripesUntilASnapshotPromotesIt() {
        DefaultGuard g = start(Duration.ofSeconds(1));
        Handle<Object> h = g.track(new Object(), SPEC);
        Entry e = g.entryOf(h);
        int linked = g.registry.linkedCount();
        if (e.home == Entry.YOUNG) { // read after: a tick that promoted it meanwhile set home before linking
            assertEquals(0, linked);
        }
        assertEquals(1, g.stats().open("young"));
        assertEquals(List.of(h.id()), g.openHandles().stream().map(v -> v.id()).toList());
        assertEquals(Entry.LINKED, e.home, "the snapshot promoted it");
        assertEquals(1, g.registry.linkedCount());
        h.close();
        assertEquals(0, g.registry.linkedCount());
        assertEquals(0, g.stats().open("young"));
        assertEquals(1, g.stats().closed("young", CloseCause.COMPLETED));
    }

    @Test
    void aHandleClosedYoungByItsThreadNeverEntersAStripe() {
        DefaultGuard g = start(Duration.ofSeconds(1));
        int linkedBefore = g.registry.linkedCount();
        for (int i = 0; i < 1_000; i++) {
            Handle<Object> h = g.track(new Object(), SPEC);
            Entry e = g.entryOf(h);
            h.close();
            int linked = g.registry.linkedCount();
            if (e.home == Entry.YOUNG) { // never promoted, so never linked
                assertEquals(linkedBefore, linked);
            }
        }
        assertEquals(1_000, g.stats().closed("young", CloseCause.COMPLETED));
        assertEquals(0, g.stats().open("young"));
        assertEquals(0, g.registry.size());
    }

    @Test
    void moreOpenHandlesThanSlotsGoStraightToTheStripe() {
        DefaultGuard g = start(Duration.ofSeconds(1));
        List<Handle<Object>> open = new ArrayList<>();
        for (int i = 0; i < Nursery.SLOTS * 3; i++) {
            open.add(g.track(new Object(), SPEC));
        }
        assertEquals(Nursery.SLOTS * 3, g.registry.size());
        assertEquals(Nursery.SLOTS * 3, g.openHandles().size());
        assertEquals(Nursery.SLOTS * 3, g.stats().open("young"));
        for (Handle<Object> h : open) {
            h.close();
        }
        assertEquals(0, g.registry.size());
        assertEquals(0, g.registry.linkedCount());
        assertEquals(Nursery.SLOTS * 3, g.stats().closed("young", CloseCause.COMPLETED));
    }

    @Test
    void theWatchdogPromotesAYoungHandleAtItsTickAndItsDeadlineFires() {
        DefaultGuard g = start(Duration.ofMillis(5));
        HandleSpec<Object> spec =
                HandleSpec.builder("short").timeout(Duration.ofMillis(50)).build();
        Handle<Object> h = g.track(new Object(), spec);
        Entry e = g.entryOf(h);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> e.home == Entry.LINKED);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> h.state() == HandleState.CLOSED);
        assertEquals(CloseCause.TIMED_OUT, h.closeCause().orElseThrow());
        assertEquals(1, g.stats().closed("short", CloseCause.TIMED_OUT));
        assertEquals(0, g.registry.size());
    }

    @Test
    void aYoungHandleCancelledByAnotherThreadEscalatesAndIsCountedOnce() throws Exception {
        DefaultGuard g = start(Duration.ofSeconds(1));
        AtomicBoolean cancelled = new AtomicBoolean();
        HandleSpec<Object> spec = HandleSpec.builder("cancelled")
                .onCancel(r -> cancelled.set(true))
                .build();
        Handle<Object> h = g.track(new Object(), spec);
        Thread other = new Thread(h::cancel);
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(20));
        assertEquals(Entry.LINKED, g.entryOf(h).home, "a cancel promotes: the escalation's timers are the wheel's");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(cancelled::get);
        h.close();
        assertEquals(1, g.stats().closed("cancelled", CloseCause.CANCELLED));
        assertEquals(0, g.stats().open("cancelled"));
        assertEquals(0, g.registry.size());
    }

    /**
     * A snapshot that finds a handle another thread is promoting waits until it is linked: otherwise the
     * snapshot could walk the stripe before the promoter links it, and miss it. The promoter is held
     * between its compare-and-set and the stripe lock by a thread holding that lock.
     */
    @Test
    void aSnapshotWaitsForAPromotionInProgress() throws Exception {
        DefaultGuard g = start(Duration.ofSeconds(1));
        Handle<Object> h = g.track(new Object(), SPEC);
        Entry e = g.entryOf(h);
        Stripe stripe = e.stripe();
        stripe.lock.lock();
        Thread promoter = new Thread(() -> g.registry.promote(e));
        AtomicReference<Byte> seenBySnapshot = new AtomicReference<>();
        Thread snapshot = new Thread(() -> {
            g.registry.promoteYoung();
            seenBySnapshot.set(e.home);
        });
        try {
            promoter.start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> e.home != Entry.YOUNG);
            snapshot.start();
            // A bounded probe for a non-event: while the lock is held, the snapshot must not come back.
            snapshot.join(300);
            assertTrue(snapshot.isAlive() || seenBySnapshot.get() != Entry.PROMOTING, "returned mid-promotion");
        } finally {
            stripe.lock.unlock();
        }
        promoter.join(TimeUnit.SECONDS.toMillis(20));
        snapshot.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(promoter.isAlive() || snapshot.isAlive());
        assertEquals(Entry.LINKED, seenBySnapshot.get());
        h.close();
        assertEquals(0, g.registry.size());
    }

    /** The nursery of a thread that has ended is dropped; its counts stay, its open handle is promoted. */
    @Test
    void anEndedThreadsNurseryIsRetiredAndItsCountsKept() throws Exception {
        DefaultGuard g = start(Duration.ofMillis(5));
        int before = g.registry.nurseryCount();
        AtomicReference<Handle<Object>> left = new AtomicReference<>();
        Thread t = new Thread(() -> {
            g.track(new Object(), SPEC).close();
            g.track(new Object(), SPEC).close(CloseCause.FAILED);
            left.set(g.track(new Object(), SPEC));
        });
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(t.isAlive());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> g.registry.nurseryCount() == before);
        assertEquals(Entry.LINKED, g.entryOf(left.get()).home);
        GuardStats s = g.stats();
        assertEquals(3, s.opened());
        assertEquals(1, s.closed("young", CloseCause.COMPLETED));
        assertEquals(1, s.closed("young", CloseCause.FAILED));
        assertEquals(1, s.open("young"));
        assertEquals(
                List.of(left.get().id()),
                g.openHandles().stream().map(v -> v.id()).toList());
        left.get().close();
        assertEquals(0, s.open("young"));
        assertEquals(0, g.registry.size());
    }

    /**
     * Owners track and close, hand a share of their handles to a closer on another thread, while a third
     * thread promotes and snapshots as fast as it can and the watchdog ticks every millisecond: ids stay
     * unique, every close is counted once, and nothing stays in a stripe or a nursery.
     */
    @Test
    void closesRacingPromotionsAreCountedOnceAndLeaveNothingBehind() throws Exception {
        DefaultGuard g = start(Duration.ofMillis(1));
        int owners = 3;
        int perOwner = 30_000;
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        BlockingQueue<Handle<Object>> handOff = new ArrayBlockingQueue<>(256);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        int[] handedOff = new int[owners];
        for (int o = 0; o < owners; o++) {
            int me = o;
            threads.add(new Thread(() -> {
                List<Handle<Object>> held = new ArrayList<>();
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < perOwner; i++) {
                        Handle<Object> h = g.track(new Object(), SPEC);
                        assertTrue(ids.add(h.id()), "duplicate id " + h.id());
                        int k = r.nextInt(10);
                        if (k < 6) {
                            h.close();
                        } else if (k < 8) {
                            held.add(h); // closed later by this thread, perhaps after a promotion
                            if (held.size() > 12) {
                                held.remove(r.nextInt(held.size())).close(CloseCause.FAILED);
                            }
                        } else {
                            handedOff[me]++;
                            handOff.put(h);
                        }
                    }
                    for (Handle<Object> h : held) {
                        h.close(CloseCause.FAILED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Thread closer = new Thread(() -> {
            try {
                while (!done.get() || !handOff.isEmpty()) {
                    Handle<Object> h = handOff.poll(10, TimeUnit.MILLISECONDS);
                    if (h != null) {
                        h.close(CloseCause.CANCELLED);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread promoter = new Thread(() -> {
            while (!done.get()) {
                g.registry.promoteYoung();
                if (ThreadLocalRandom.current().nextInt(8) == 0) {
                    g.registry.unorderedSnapshot();
                }
            }
        });
        closer.start();
        promoter.start();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(3));
            assertFalse(t.isAlive(), "owner finished");
        }
        done.set(true);
        closer.join(TimeUnit.MINUTES.toMillis(1));
        promoter.join(TimeUnit.MINUTES.toMillis(1));
        assertFalse(closer.isAlive() || promoter.isAlive());

        int total = owners * perOwner;
        int cancelled = java.util.Arrays.stream(handedOff).sum();
        GuardStats s = g.stats();
        assertEquals(total, ids.size());
        assertEquals(total, s.opened());
        assertEquals(cancelled, s.closed("young", CloseCause.CANCELLED));
        assertEquals(total - cancelled, s.closed("young", CloseCause.COMPLETED) + s.closed("young", CloseCause.FAILED));
        assertEquals(0, s.open("young"));
        assertEquals(0, g.registry.size());
        assertEquals(0, g.registry.linkedCount());
        assertTrue(g.openHandles().isEmpty());
    }
}
