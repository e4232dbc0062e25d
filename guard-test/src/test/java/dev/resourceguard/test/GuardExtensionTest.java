package dev.resourceguard.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/**
 * Runs {@link Sample} classes (static nested below, run only through {@link Samples#run(Class)}) and checks
 * what the extension made of them.
 */
class GuardExtensionTest {

    static final HandleSpec<Object> THING = HandleSpec.of("thing");

    /** What the samples made, for the assertions after they ran. */
    static final List<ResourceGuard> GUARDS = new CopyOnWriteArrayList<>();

    static final List<Handle<?>> HANDLES = new CopyOnWriteArrayList<>();

    @BeforeEach
    @AfterEach
    void closeWhatSamplesLeft() {
        GUARDS.forEach(ResourceGuard::close);
        GUARDS.clear();
        HANDLES.clear();
    }

    // ---- leftover handles

    @Test
    void failsATestThatLeavesAHandleOpen() {
        Throwable failure = Samples.onlyFailure(Samples.run(LeakingSample.class));

        assertInstanceOf(AssertionFailedError.class, failure);
        String message = failure.getMessage();
        assertTrue(message.contains("test LeakingSample.leaksAHandle() left 1 handle(s) open"), message);
        assertTrue(message.contains("thing 'leaky-thing' #"), message);
        assertTrue(message.contains(" OPEN, age "), message);
        assertTrue(message.contains("GuardExtensionTest$LeakingSample.leaksAHandle("), "allocation site: " + message);
        assertTrue(message.contains("allowOpenHandles()"), message);
        assertTrue(
                message.contains(
                        "--- report of guard '" + GUARDS.get(0).config().name() + "' ---"),
                message);
    }

    @Test
    void closesTheGuardsOfAFailingTest() {
        Samples.run(LeakingSample.class);

        assertEquals(1, GUARDS.size());
        assertTrue(GUARDS.get(0).isClosed());
        assertEquals(HandleState.CLOSED, HANDLES.get(0).state());
    }

    @Test
    void passesATestThatClosesItsHandles() {
        assertEquals(1, Samples.assertAllPassed(Samples.run(CleanSample.class)));
        assertTrue(GUARDS.get(0).isClosed());
    }

    @Test
    void waitsForAHandleThatClosesJustAfterTheTest() {
        Samples.assertAllPassed(Samples.run(LateCloseSample.class));
        assertEquals(CloseCause.COMPLETED, HANDLES.get(0).closeCause().orElseThrow());
    }

    @Test
    void listsTheLeftoversOfEveryGuard() {
        String message =
                Samples.onlyFailure(Samples.run(TwoGuardsLeakingSample.class)).getMessage();

        assertTrue(message.contains("left 2 handle(s) open"), message);
        for (ResourceGuard guard : GUARDS) {
            assertTrue(message.contains("guard '" + guard.config().name() + "': 1 handle(s) open"), message);
        }
        assertTrue(message.contains("thing 'first' #"), message);
        assertTrue(message.contains("thing 'second' #"), message);
        assertTrue(GUARDS.stream().allMatch(ResourceGuard::isClosed));
    }

    @Test
    void keepsTheTestsOwnFailureFirstAndDoesNotWait() {
        long start = System.nanoTime();
        Throwable failure = Samples.onlyFailure(Samples.run(FailingAndLeakingSample.class));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertInstanceOf(IllegalStateException.class, failure);
        assertEquals("boom", failure.getMessage());
        assertEquals(1, failure.getSuppressed().length, () -> List.of(failure.getSuppressed())
                .toString());
        assertTrue(failure.getSuppressed()[0].getMessage().contains("thing 'left-by-a-failure' #"));
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "waited the 30 s cleanup timeout: " + took);
        assertTrue(GUARDS.get(0).isClosed());
    }

    @Test
    void allowOpenHandlesPassesTheTestAndStillClosesTheGuard() {
        Samples.assertAllPassed(Samples.run(AllowingSample.class));

        assertTrue(GUARDS.get(0).isClosed());
        assertEquals(HandleState.CLOSED, HANDLES.get(0).state());
        assertEquals(CloseCause.SHUTDOWN, HANDLES.get(0).closeCause().orElseThrow());
    }

    // ---- leftover threads

    @Test
    void failsATestThatLeavesAGuardThreadRunning() {
        String message =
                Samples.onlyFailure(Samples.run(ThreadLeakingSample.class)).getMessage();

        assertTrue(message.contains("guard thread(s) still alive"), message);
        assertTrue(message.contains("'resourceguard-forgotten-"), message);

        GUARDS.forEach(ResourceGuard::close);
        Awaits.await().until(() -> GuardThreads.alive().stream()
                .noneMatch(t -> t.getName().startsWith("resourceguard-forgotten-")));
    }

    @Test
    void allowLeftoverThreadsSkipsTheThreadCheck() {
        Samples.assertAllPassed(Samples.run(AllowingThreadsSample.class));
    }

    @Test
    void theGuardsItMakesLeaveNoThreadBehind() {
        Samples.assertAllPassed(Samples.run(ManyGuardsSample.class));

        assertEquals(3, GUARDS.size());
        assertTrue(GUARDS.stream().allMatch(ResourceGuard::isClosed));
        Set<Thread> alive = GuardThreads.alive();
        for (ResourceGuard guard : GUARDS) {
            String prefix = GuardThreads.PREFIX + guard.config().name() + "-";
            assertTrue(alive.stream().noneMatch(t -> t.getName().startsWith(prefix)), alive::toString);
        }
    }

    // ---- parameters and configuration

    @Test
    void resolvesOneGuardPerTest() {
        assertEquals(2, Samples.assertAllPassed(Samples.run(ParametersSample.class)));

        assertEquals(2, GUARDS.size(), "one guard per test, shared by @BeforeEach and the test");
        assertNotSame(GUARDS.get(0), GUARDS.get(1));
        assertTrue(GUARDS.stream().allMatch(ResourceGuard::isClosed));
    }

    @Test
    void resolvesAFakeTickerThatTheGuardUses() {
        Samples.assertAllPassed(Samples.run(FakeTickerSample.class));
    }

    @Test
    void aFakeTickerParameterNeedsWithFakeTicker() {
        Throwable failure = Samples.onlyFailure(Samples.run(NoFakeTickerSample.class));

        assertInstanceOf(ParameterResolutionException.class, failure);
        assertTrue(failure.getMessage().contains("withFakeTicker()"), failure.getMessage());
    }

    @Test
    void appliesTheConfiguration() {
        Samples.assertAllPassed(Samples.run(ConfigSample.class));
    }

    @Test
    void failsATestWhoseConfigurationIsRejected() {
        Throwable failure = Samples.onlyFailure(Samples.run(BadConfigSample.class));

        assertInstanceOf(IllegalArgumentException.class, failure);
        assertTrue(failure.getMessage().contains("PT-1S"), failure.getMessage());
    }

    @Test
    void refusesToMakeGuardsOutsideATest() {
        GuardExtension extension = GuardExtension.create();
        IllegalStateException e = assertThrows(IllegalStateException.class, extension::newGuard);
        assertTrue(e.getMessage().startsWith("no test is running"), e.getMessage());
        assertThrows(IllegalStateException.class, extension::guard);
    }

    @Test
    void rejectsANegativeCleanupTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardExtension.create()
                .withCleanupTimeout(Duration.ofMillis(-5)));
        assertEquals("cleanupTimeout must not be negative: PT-0.005S", e.getMessage());
    }

    @Test
    void isImmutable() {
        GuardExtension base = GuardExtension.create();
        assertNotSame(base, base.withFakeTicker());
        assertNotSame(base, base.allowOpenHandles());
        assertNotSame(base, base.allowLeftoverThreads());
        assertNotSame(base, base.withCleanupTimeout(Duration.ofSeconds(1)));
    }

    // ---- samples

    @Sample
    static class LeakingSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().withCleanupTimeout(Duration.ofMillis(200));

        @Test
        void leaksAHandle(ResourceGuard guard) {
            GUARDS.add(guard);
            HANDLES.add(guard.track(new Object(), THING, "leaky-thing", Duration.ZERO));
        }
    }

    @Sample
    static class CleanSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create();

        @Test
        void closesItsHandle(ResourceGuard guard) {
            GUARDS.add(guard);
            try (Handle<Object> h = guard.track(new Object(), THING)) {
                h.touch();
            }
        }
    }

    @Sample
    static class LateCloseSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create();

        @Test
        void closesItsHandleLater(ResourceGuard guard) {
            Handle<Object> h = guard.track(new Object(), THING, "late", Duration.ZERO);
            HANDLES.add(h);
            CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS).execute(h::close);
        }
    }

    @Sample
    static class TwoGuardsLeakingSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().withCleanupTimeout(Duration.ofMillis(100));

        @Test
        void leaksInTwoGuards() {
            ResourceGuard first = guards.newGuard();
            ResourceGuard second = guards.newGuard();
            GUARDS.add(first);
            GUARDS.add(second);
            HANDLES.add(first.track(new Object(), THING, "first", Duration.ZERO));
            HANDLES.add(second.track(new Object(), THING, "second", Duration.ZERO));
        }
    }

    @Sample
    static class FailingAndLeakingSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().withCleanupTimeout(Duration.ofSeconds(30));

        @Test
        void failsWithAHandleOpen(ResourceGuard guard) {
            GUARDS.add(guard);
            HANDLES.add(guard.track(new Object(), THING, "left-by-a-failure", Duration.ZERO));
            throw new IllegalStateException("boom");
        }
    }

    @Sample
    static class AllowingSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().allowOpenHandles();

        @Test
        void leavesAHandleOnPurpose(ResourceGuard guard) {
            GUARDS.add(guard);
            HANDLES.add(guard.track(new Object(), THING, "on-purpose", Duration.ZERO));
        }
    }

    @Sample
    static class ThreadLeakingSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().withCleanupTimeout(Duration.ofMillis(300));

        @Test
        void forgetsToCloseAGuard() {
            GUARDS.add(
                    ResourceGuard.create(GuardConfig.builder().name("forgotten").build()));
        }
    }

    @Sample
    static class AllowingThreadsSample {
        @RegisterExtension
        final GuardExtension guards =
                GuardExtension.create().allowLeftoverThreads().withCleanupTimeout(Duration.ofMillis(100));

        @Test
        void forgetsToCloseAGuard() {
            GUARDS.add(ResourceGuard.create(
                    GuardConfig.builder().name("unclosed-but-allowed").build()));
        }
    }

    @Sample
    static class ManyGuardsSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create();

        @Test
        void makesThreeGuards(ResourceGuard guard) throws Exception {
            GUARDS.add(guard);
            GUARDS.add(guards.newGuard());
            GUARDS.add(guards.newGuard(b -> b.actionThreads(3)));
            for (ResourceGuard g : GUARDS) {
                assertFalse(g.isClosed());
                // Exercise the action pool, so that its threads exist too.
                g.runTask("work", Duration.ofSeconds(5), () -> "done");
                Handle<Object> h = g.track(new Object(), THING);
                h.cancel();
                h.close();
            }
        }
    }

    @Sample
    static class ParametersSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create();

        private ResourceGuard fromBeforeEach;

        @BeforeEach
        void setUp(ResourceGuard guard) {
            fromBeforeEach = guard;
            GUARDS.add(guard);
        }

        @Test
        void first(ResourceGuard guard) {
            assertSame(fromBeforeEach, guard);
            assertSame(guard, guards.guard());
        }

        @Test
        void second(ResourceGuard guard) {
            assertSame(fromBeforeEach, guard);
            assertNotSame(guard, guards.newGuard());
        }

        @AfterEach
        void tearDown(ResourceGuard guard) {
            assertSame(fromBeforeEach, guard);
            assertFalse(guard.isClosed(), "closed only after the test's own @AfterEach");
        }
    }

    @Sample
    static class FakeTickerSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create().withFakeTicker();

        @Test
        void guardReadsTheFakeTicker(ResourceGuard guard, FakeTicker ticker) {
            assertSame(ticker, guard.config().ticker());
            assertSame(ticker, guards.ticker());
            assertSame(ticker, guards.newGuard().config().ticker());
            try (Handle<Object> h = guard.track(new Object(), THING, "aging", Duration.ZERO)) {
                ticker.advance(Duration.ofSeconds(7));
                assertEquals(Duration.ofSeconds(7), h.age());
            }
        }

        @Test
        void eachTestGetsAFreshTicker(FakeTicker ticker) {
            assertEquals(Duration.ZERO, ticker.elapsed());
            ticker.advance(Duration.ofHours(1));
        }
    }

    @Sample
    static class NoFakeTickerSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.create();

        @Test
        void wantsATicker(FakeTicker ticker) {}
    }

    @Sample
    static class ConfigSample {
        @RegisterExtension
        final GuardExtension guards =
                GuardExtension.withConfig(b -> b.quota("thing", 3).maxTaskDuration(Duration.ofSeconds(42)));

        @Test
        void guardsGetTheConfiguration(ResourceGuard guard) {
            GuardConfig config = guard.config();
            assertEquals(guards.config().name(), config.name());
            assertEquals(Map.of("thing", 3), config.quotas());
            assertEquals(Duration.ofSeconds(42), config.maxTaskDuration());
            assertEquals(AllocationSites.ALWAYS, config.allocationSites());
            assertTrue(config.name().startsWith("test-"), config.name());

            GuardConfig derived = guards.newGuard(b -> b.quota("thing", 1)).config();
            assertEquals(Map.of("thing", 1), derived.quotas());
            assertEquals(Duration.ofSeconds(42), derived.maxTaskDuration());

            GuardConfig exact = GuardConfig.builder().name("exact").build();
            assertEquals("exact", guards.newGuard(exact).config().name());
        }
    }

    @Sample
    static class BadConfigSample {
        @RegisterExtension
        final GuardExtension guards = GuardExtension.withConfig(b -> b.maxTaskDuration(Duration.ofSeconds(-1)));

        @Test
        void neverRuns() {}
    }
}
