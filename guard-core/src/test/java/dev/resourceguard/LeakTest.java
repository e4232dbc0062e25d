package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeakTest {

    @Test
    void droppedHandleIsReportedLeakedWithItsSiteAndReleased() {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        AtomicReference<CloseCause> released = new AtomicReference<>();
        try (ResourceGuard guard = ResourceGuard.create(
                TestSupport.fast().listener(recordingInto(events)).build())) {
            HandleSpec<StringBuilder> spec = HandleSpec.<StringBuilder>builder("buffer")
                    .onClose((r, c) -> released.set(c))
                    .build();
            openAndForget(guard, spec);

            await().until(() -> {
                System.gc();
                return released.get() != null;
            });
            assertEquals(CloseCause.LEAKED, released.get());
            // the event follows the close action
            await().until(() -> events.stream().anyMatch(e -> e.type() == GuardEvent.Type.LEAKED));
            GuardEvent leak = events.stream()
                    .filter(e -> e.type() == GuardEvent.Type.LEAKED)
                    .findFirst()
                    .orElseThrow();
            assertTrue(leak.message().contains("garbage collected"), leak.message());
            StackTraceElement[] site = leak.allocationSite().orElseThrow().getStackTrace();
            assertTrue(
                    Arrays.stream(site).anyMatch(f -> f.getMethodName().equals("openAndForget")),
                    "the allocation site names the method that opened the handle");
            assertEquals(1, guard.stats().leaked());
            await().until(() -> guard.openHandles().isEmpty());
        }
    }

    /**
     * Sampled sites: a kind's first leak may come without its site; from then on every handle of that kind
     * has its site captured, so the next leak report names where it was opened. Other kinds stay sampled.
     */
    @Test
    void aLeakWithoutASampledSiteMakesItsKindCaptureEverySite() {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .allocationSites(AllocationSites.SAMPLED)
                .allocationSiteSampleRate(Integer.MAX_VALUE) // in effect never at random
                .listener(recordingInto(events))
                .build())) {
            HandleSpec<StringBuilder> spec = HandleSpec.of("buffer");
            openAndForget(guard, spec);
            await().until(() -> {
                System.gc();
                return count(events, GuardEvent.Type.LEAKED) == 1;
            });
            GuardEvent first = events.stream()
                    .filter(e -> e.type() == GuardEvent.Type.LEAKED)
                    .findFirst()
                    .orElseThrow();
            assertTrue(first.allocationSite().isEmpty(), "not sampled");

            Handle<Object> other = guard.track(new Object(), HandleSpec.of("other"));
            assertTrue(other.allocationSite().isEmpty(), "another kind stays sampled");
            other.close();
            openAndForget(guard, spec);
            await().until(() -> {
                System.gc();
                return count(events, GuardEvent.Type.LEAKED) == 2;
            });
            GuardEvent second = events.stream()
                    .filter(e -> e.type() == GuardEvent.Type.LEAKED)
                    .skip(1)
                    .findFirst()
                    .orElseThrow();
            StackTraceElement[] site = second.allocationSite().orElseThrow().getStackTrace();
            assertTrue(Arrays.stream(site).anyMatch(f -> f.getMethodName().equals("openAndForget")));
        }
    }

    /** {@code trackHeldBy}: the guard watches the adapter's own wrapper, not a handle facade. */
    @Test
    void aDroppedHolderLeaksItsHandle() {
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        AtomicReference<CloseCause> released = new AtomicReference<>();
        try (ResourceGuard guard = ResourceGuard.create(
                TestSupport.fast().listener(recordingInto(events)).build())) {
            HandleSpec<StringBuilder> spec = HandleSpec.<StringBuilder>builder("wrapped")
                    .onClose((r, c) -> released.set(c))
                    .build();
            Holder kept = holdAndKeep(guard, spec);
            holdAndForget(guard, spec);
            await().until(() -> {
                System.gc();
                return released.get() != null;
            });
            assertEquals(CloseCause.LEAKED, released.get());
            assertEquals(1, guard.stats().leaked());
            assertEquals(HandleState.OPEN, kept.handle.state(), "a holder still held is not a leak");
            assertEquals("kept", kept.handle.get().toString());
            kept.handle.close();
            await().until(() -> guard.openHandles().isEmpty());
            NullPointerException npe = org.junit.jupiter.api.Assertions.assertThrows(
                    NullPointerException.class, () -> guard.trackHeldBy(new StringBuilder(), spec, null));
            assertEquals("holder", npe.getMessage());
        }
    }

    /** What an adapter hands its users: it keeps the handle; the guard keeps only the resource. */
    private static final class Holder {
        Handle<StringBuilder> handle;
    }

    private static Holder holdAndKeep(ResourceGuard guard, HandleSpec<StringBuilder> spec) {
        Holder h = new Holder();
        h.handle = guard.trackHeldBy(new StringBuilder("kept"), spec, h);
        return h;
    }

    private static void holdAndForget(ResourceGuard guard, HandleSpec<StringBuilder> spec) {
        Holder h = new Holder();
        h.handle = guard.trackHeldBy(new StringBuilder("dropped"), spec, h);
    }

    private static void openAndForget(ResourceGuard guard, HandleSpec<StringBuilder> spec) {
        guard.track(new StringBuilder("leaked"), spec);
    }

    @Test
    void heldPastTheThresholdIsReportedOnceThenOnReturn() {
        TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .ticker(ticker)
                .leakThreshold(Duration.ofSeconds(60))
                .listener(recordingInto(events))
                .build())) {
            Handle<Object> h = guard.track(new Object(), HandleSpec.of("connection"));
            ticker.advance(Duration.ofSeconds(59));
            Handle<Object> probe = guard.track(
                    new Object(),
                    HandleSpec.builder("probe")
                            .timeout(Duration.ofMillis(1))
                            .leakThreshold(Duration.ZERO)
                            .build());
            ticker.advance(Duration.ofMillis(1));
            await().until(() -> probe.state() == HandleState.CLOSED || probe.state() == HandleState.CANCELLING);
            assertEquals(0, count(events, GuardEvent.Type.LEAK_SUSPECTED), "not before the threshold");

            ticker.advance(Duration.ofSeconds(2));
            await().until(() -> count(events, GuardEvent.Type.LEAK_SUSPECTED) == 1);
            GuardEvent e = events.stream()
                    .filter(x -> x.type() == GuardEvent.Type.LEAK_SUSPECTED)
                    .findFirst()
                    .orElseThrow();
            assertEquals(h.id(), e.handleId());
            assertTrue(e.message().contains("past the leak threshold of 60 s"), e.message());
            assertTrue(e.allocationSite().isPresent());

            ticker.advance(Duration.ofMinutes(10));
            // a later deadline proves the watchdog ran after the advance
            Handle<Object> probe2 = guard.track(
                    new Object(),
                    HandleSpec.builder("probe")
                            .timeout(Duration.ofMillis(1))
                            .leakThreshold(Duration.ZERO)
                            .build());
            ticker.advance(Duration.ofMillis(1));
            await().until(() -> probe2.state() != HandleState.OPEN);
            assertEquals(1, count(events, GuardEvent.Type.LEAK_SUSPECTED), "reported once");
            assertEquals(1, guard.stats().leaksSuspected());

            h.close();
            assertEquals(1, count(events, GuardEvent.Type.LEAK_RETURNED));
        }
    }

    @Test
    void leakThresholdZeroDisablesAgeDetectionForAKind() {
        TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .ticker(ticker)
                .leakThreshold(Duration.ofSeconds(1))
                .build())) {
            Handle<Object> h = guard.track(
                    new Object(),
                    HandleSpec.builder("pool").leakThreshold(Duration.ZERO).build());
            ticker.advance(Duration.ofHours(1));
            Handle<Object> probe = guard.track(
                    new Object(),
                    HandleSpec.builder("probe")
                            .timeout(Duration.ofMillis(1))
                            .leakThreshold(Duration.ZERO)
                            .build());
            ticker.advance(Duration.ofMillis(1));
            await().until(() -> probe.state() != HandleState.OPEN);
            assertEquals(0, guard.stats().leaksSuspected());
            h.close();
        }
    }

    /** A listener that adds every event to {@code events}. */
    private static GuardListener recordingInto(List<GuardEvent> events) {
        return new GuardListener() {
            @Override
            public void onEvent(GuardEvent e) {
                events.add(e);
            }
        };
    }

    private static long count(List<GuardEvent> events, GuardEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }
}
