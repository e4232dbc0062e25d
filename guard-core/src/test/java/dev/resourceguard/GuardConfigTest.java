package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GuardConfigTest {

    /** What each setter says about a bad value: the setting, the rule and the value. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("name must be 1 to 64 letters, digits, '.', '_' or '-': ' '", b -> b.name(" ")),
                bad("name must be 1 to 64 letters, digits, '.', '_' or '-': 'a b'", b -> b.name("a b")),
                bad("quota kind is not a valid kind", b -> b.quota("Browser", 2)),
                bad("memoryHigh must be a fraction in (0, 1]: 0.0", b -> b.memoryHigh(0)),
                bad("memoryCritical must be a fraction in (0, 1]: 1.01", b -> b.memoryCritical(1.01)),
                bad("memoryRecovery must be a fraction in (0, 1]: NaN", b -> b.memoryRecovery(Double.NaN)),
                bad("maxTaskDuration must be positive: PT0S", b -> b.maxTaskDuration(Duration.ZERO)),
                bad("maxTaskDuration must be positive: PT-1S", b -> b.maxTaskDuration(Duration.ofSeconds(-1))),
                bad("cleanupInterval must be positive: PT0S", b -> b.cleanupInterval(Duration.ZERO)),
                bad("maxMemoryUsageMb must not be negative: -1", b -> b.maxMemoryUsageMb(-1)),
                bad("leakThreshold must not be negative: PT-1S", b -> b.leakThreshold(Duration.ofSeconds(-1))),
                bad("allocationSiteSampleRate must be at least 1: 0", b -> b.allocationSiteSampleRate(0)),
                bad("forceCloseGrace must not be negative: PT-0.001S", b -> b.forceCloseGrace(Duration.ofMillis(-1))),
                bad("stuckGrace must not be negative: PT-1S", b -> b.stuckGrace(Duration.ofSeconds(-1))),
                bad("idleThreshold must not be negative: PT-1M", b -> b.idleThreshold(Duration.ofMinutes(-1))),
                bad("quota for 'browser' must be at least 1: 0", b -> b.quota("browser", 0)),
                bad("kind must be lower case, start with a letter", b -> b.quota("Browser", 2)),
                bad("'two words'", b -> b.quota("two words", 2)),
                bad("acquireTimeout must not be negative: PT-1S", b -> b.acquireTimeout(Duration.ofSeconds(-1))),
                bad("actionThreads must be between 1 and 64: 0", b -> b.actionThreads(0)),
                bad("actionThreads must be between 1 and 64: 65", b -> b.actionThreads(65)),
                bad("actionTimeout must be positive: PT0S", b -> b.actionTimeout(Duration.ZERO)),
                bad(
                        "watchdogTick must be between 1 ms and 1 s: PT0.0005S",
                        b -> b.watchdogTick(Duration.ofNanos(500_000))),
                bad(
                        "watchdogTick must be between 1 ms and 1 s: PT1.001S",
                        b -> b.watchdogTick(Duration.ofMillis(1001))),
                bad("shutdownTimeout must not be negative: PT-1S", b -> b.shutdownTimeout(Duration.ofSeconds(-1))),
                bad("eventBufferSize must be between 1 and 1000000: 0", b -> b.eventBufferSize(0)),
                bad("eventBufferSize must be between 1 and 1000000: 1000001", b -> b.eventBufferSize(1_000_001)),
                bad("maxExtraThreads must be between 0 and 10000: -1", b -> b.maxExtraThreads(-1)),
                bad("maxExtraThreads must be between 0 and 10000: 10001", b -> b.maxExtraThreads(10_001)));
    }

    /** Nulls are rejected with the setting's name. */
    static Stream<Arguments> nulls() {
        return Stream.of(
                bad("name", b -> b.name(null)),
                bad("maxTaskDuration", b -> b.maxTaskDuration(null)),
                bad("cleanupInterval", b -> b.cleanupInterval(null)),
                bad("leakThreshold", b -> b.leakThreshold(null)),
                bad("allocationSites", b -> b.allocationSites(null)),
                bad("forceCloseGrace", b -> b.forceCloseGrace(null)),
                bad("stuckGrace", b -> b.stuckGrace(null)),
                bad("idleThreshold", b -> b.idleThreshold(null)),
                bad("quota kind", b -> b.quota(null, 1)),
                bad("acquireTimeout", b -> b.acquireTimeout(null)),
                bad("actionTimeout", b -> b.actionTimeout(null)),
                bad("watchdogTick", b -> b.watchdogTick(null)),
                bad("shutdownTimeout", b -> b.shutdownTimeout(null)),
                bad("ticker", b -> b.ticker(null)),
                bad("listener", b -> b.listener(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void everySetterRejectsABadValueWithTheValueInTheMessage(String expected, Consumer<GuardConfig.Builder> setter) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> setter.accept(GuardConfig.builder()));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nulls")
    void everySetterRejectsNullNamingTheSetting(String expected, Consumer<GuardConfig.Builder> setter) {
        NullPointerException e = assertThrows(NullPointerException.class, () -> setter.accept(GuardConfig.builder()));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aRejectedValueLeavesTheBuilderUnchanged() {
        GuardConfig.Builder builder = GuardConfig.builder().actionThreads(4);
        assertThrows(IllegalArgumentException.class, () -> builder.actionThreads(0));
        assertEquals(4, builder.build().actionThreads());
    }

    @Test
    void boundaryValuesAreAccepted() {
        GuardConfig config = GuardConfig.builder()
                .maxMemoryUsageMb(0)
                .leakThreshold(Duration.ZERO)
                .allocationSiteSampleRate(1)
                .forceCloseGrace(Duration.ZERO)
                .stuckGrace(Duration.ZERO)
                .idleThreshold(Duration.ZERO)
                .quota("browser", 1)
                .acquireTimeout(Duration.ZERO)
                .actionThreads(64)
                .watchdogTick(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ZERO)
                .eventBufferSize(1_000_000)
                .maxExtraThreads(0)
                .build();
        assertEquals(OptionalLong.empty(), config.maxMemoryUsageMb());
        assertEquals(64, config.actionThreads());
        assertEquals(Duration.ofSeconds(1), config.watchdogTick());
        GuardConfig low = GuardConfig.builder()
                .actionThreads(1)
                .watchdogTick(Duration.ofMillis(1))
                .eventBufferSize(1)
                .maxExtraThreads(10_000)
                .build();
        assertEquals(1, low.actionThreads());
        assertEquals(Duration.ofMillis(1), low.watchdogTick());
        assertEquals(1, low.eventBufferSize());
        assertEquals(10_000, low.maxExtraThreads());
    }

    @Test
    void defaults() {
        GuardConfig c = GuardConfig.defaults();
        assertEquals("resourceguard", c.name());
        assertEquals(Duration.ofMinutes(5), c.maxTaskDuration());
        assertEquals(Duration.ofSeconds(30), c.cleanupInterval());
        assertEquals(OptionalLong.empty(), c.maxMemoryUsageMb());
        assertFalse(c.logResourceUsage());
        assertFalse(c.logTaskPerformance());
        assertEquals(Duration.ofMinutes(1), c.leakThreshold());
        assertEquals(AllocationSites.SAMPLED, c.allocationSites());
        assertEquals(256, c.allocationSiteSampleRate());
        assertTrue(c.reachabilityLeakDetection());
        assertEquals(Duration.ofSeconds(1), c.forceCloseGrace());
        assertEquals(Duration.ofSeconds(2), c.stuckGrace());
        assertEquals(Duration.ofMinutes(5), c.idleThreshold());
        assertEquals(Map.of(), c.quotas());
        assertEquals(Duration.ofSeconds(30), c.acquireTimeout());
        assertEquals(2, c.actionThreads());
        assertEquals(Duration.ofSeconds(5), c.actionTimeout());
        assertEquals(Duration.ofMillis(10), c.watchdogTick());
        assertEquals(Duration.ofSeconds(10), c.shutdownTimeout());
        assertFalse(c.shutdownHook());
        assertEquals(256, c.eventBufferSize());
        assertEquals(16, c.maxExtraThreads());
        assertEquals(List.of(), c.listeners());
        long before = System.nanoTime();
        long read = c.ticker().read();
        assertTrue(read >= before && read <= System.nanoTime(), "the default ticker is System.nanoTime");
        assertEquals(
                GuardConfig.defaults().toString(), GuardConfig.builder().build().toString());
    }

    @Test
    void toStringShowsEverySetting() {
        String s = nonDefault().build().toString();
        for (String expected : List.of(
                "name=api",
                "maxTaskDuration=PT2M",
                "cleanupInterval=PT10S",
                "maxMemoryUsageMb=2048",
                "logResourceUsage=true",
                "logTaskPerformance=true",
                "leakThreshold=PT30S",
                "allocationSites=ALWAYS",
                "allocationSiteSampleRate=8",
                "reachabilityLeakDetection=false",
                "forceCloseGrace=PT0.5S",
                "stuckGrace=PT3S",
                "idleThreshold=PT1M",
                "quotas={browser=2, connection=20}",
                "acquireTimeout=PT5S",
                "actionThreads=4",
                "actionTimeout=PT2S",
                "watchdogTick=PT0.02S",
                "shutdownTimeout=PT20S",
                "shutdownHook=true",
                "eventBufferSize=1024",
                "maxExtraThreads=8",
                "ticker=ManualTicker",
                "listeners=1")) {
            assertTrue(s.contains(expected), "expected '" + expected + "' in: " + s);
        }
        assertTrue(GuardConfig.defaults().toString().contains("maxMemoryUsageMb=unset"));
        assertTrue(GuardConfig.defaults().toString().contains("ticker=system"));
    }

    /** A getter added without a place in toString() fails here. */
    @Test
    void toStringNamesEveryGetter() {
        String s = GuardConfig.defaults().toString();
        Set<String> notSettings = Set.of("toString", "toBuilder", "hashCode", "getClass");
        for (Method m : GuardConfig.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0
                    && !notSettings.contains(m.getName())) {
                assertTrue(s.contains(m.getName() + "="), m.getName() + " missing from: " + s);
            }
        }
    }

    @Test
    void toBuilderRoundTrip() {
        GuardConfig original = nonDefault().build();
        GuardConfig copy = original.toBuilder().build();
        assertNotSame(original, copy);
        assertEquals(original.toString(), copy.toString());
        assertEquals(original.quotas(), copy.quotas());
        assertEquals(original.listeners(), copy.listeners());
        assertSame(original.ticker(), copy.ticker());
        assertEquals(
                GuardConfig.defaults().toString(),
                GuardConfig.defaults().toBuilder().build().toString());
    }

    @Test
    void changingADerivedBuilderLeavesTheOriginalAlone() {
        GuardConfig original = nonDefault().build();
        GuardConfig changed = original.toBuilder()
                .quota("page", 5)
                .listener(new GuardListener() {})
                .actionThreads(1)
                .build();
        assertEquals(Map.of("browser", 2, "connection", 20), original.quotas());
        assertEquals(1, original.listeners().size());
        assertEquals(4, original.actionThreads());
        assertEquals(3, changed.quotas().size());
        assertEquals(2, changed.listeners().size());
    }

    @Test
    void theConfigIsImmutable() {
        GuardConfig.Builder builder = GuardConfig.builder().quota("browser", 2);
        GuardConfig config = builder.build();
        builder.quota("browser", 3).quota("page", 1).listener(new GuardListener() {});
        assertEquals(Map.of("browser", 2), config.quotas());
        assertEquals(List.of(), config.listeners());
        assertThrows(UnsupportedOperationException.class, () -> config.quotas().put("x", 1));
        assertThrows(
                UnsupportedOperationException.class, () -> config.listeners().add(new GuardListener() {}));
    }

    @Test
    void quotasKeepTheirOrderAndTheLastLimitWins() {
        GuardConfig config = GuardConfig.builder()
                .quota("page", 9)
                .quota("browser", 2)
                .quota("page", 10)
                .build();
        assertEquals("{page=10, browser=2}", config.quotas().toString());
    }

    @Test
    void buildRejectsMemoryMarksOutOfOrder() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GuardConfig.builder().memoryRecovery(0.9).memoryHigh(0.8).build());
        assertEquals(
                "memory levels must satisfy memoryRecovery < memoryHigh <= memoryCritical"
                        + " (RESOURCEGUARD_MEMORY_RECOVERY, _HIGH, _CRITICAL): 0.9, 0.8, 0.95",
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> GuardConfig.builder().memoryHigh(0.97).build(),
                "high above critical");
        GuardConfig ok = GuardConfig.builder()
                .memoryRecovery(0.5)
                .memoryHigh(0.7)
                .memoryCritical(0.7)
                .build();
        assertEquals(0.7, ok.memoryCritical());
    }

    @Test
    void buildRejectsAWatchdogTickLongerThanTheCleanupInterval() {
        GuardConfig.Builder builder =
                GuardConfig.builder().watchdogTick(Duration.ofMillis(500)).cleanupInterval(Duration.ofMillis(200));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertEquals(
                "watchdogTick (PT0.5S, RESOURCEGUARD_WATCHDOG_TICK) must not be longer than cleanupInterval"
                        + " (PT0.2S, RESOURCE_CLEANUP_INTERVAL)",
                e.getMessage());
        GuardConfig equal = builder.cleanupInterval(Duration.ofMillis(500)).build();
        assertEquals(equal.cleanupInterval(), equal.watchdogTick());
    }

    private static GuardConfig.Builder nonDefault() {
        return GuardConfig.builder()
                .name("api")
                .maxTaskDuration(Duration.ofMinutes(2))
                .cleanupInterval(Duration.ofSeconds(10))
                .maxMemoryUsageMb(2048)
                .logResourceUsage(true)
                .logTaskPerformance(true)
                .leakThreshold(Duration.ofSeconds(30))
                .allocationSites(AllocationSites.ALWAYS)
                .allocationSiteSampleRate(8)
                .reachabilityLeakDetection(false)
                .forceCloseGrace(Duration.ofMillis(500))
                .stuckGrace(Duration.ofSeconds(3))
                .idleThreshold(Duration.ofMinutes(1))
                .quota("browser", 2)
                .quota("connection", 20)
                .acquireTimeout(Duration.ofSeconds(5))
                .actionThreads(4)
                .actionTimeout(Duration.ofSeconds(2))
                .watchdogTick(Duration.ofMillis(20))
                .shutdownTimeout(Duration.ofSeconds(20))
                .shutdownHook(true)
                .eventBufferSize(1024)
                .maxExtraThreads(8)
                .ticker(new TestSupport.ManualTicker())
                .listener(new GuardListener() {});
    }

    private static Arguments bad(String expected, Consumer<GuardConfig.Builder> setter) {
        return Arguments.of(expected, setter);
    }
}
