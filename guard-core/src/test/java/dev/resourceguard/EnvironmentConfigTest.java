package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvironmentConfigTest {

    private static final Map<String, String> NONE = Map.of();

    // ---- the tables --------------------------------------------------------------------------------

    /** variable, value, getter, expected: every variable at least once, every form of each kind. */
    static Stream<Arguments> wellFormed() {
        return Stream.of(
                parsed("MAX_TASK_DURATION", "30", GuardConfig::maxTaskDuration, Duration.ofSeconds(30)),
                parsed("MAX_TASK_DURATION", "2.5", GuardConfig::maxTaskDuration, Duration.ofMillis(2500)),
                parsed("MAX_TASK_DURATION", " 600 ", GuardConfig::maxTaskDuration, Duration.ofMinutes(10)),
                parsed("RESOURCE_CLEANUP_INTERVAL", "45", GuardConfig::cleanupInterval, Duration.ofSeconds(45)),
                parsed("RESOURCE_CLEANUP_INTERVAL", "0.25", GuardConfig::cleanupInterval, Duration.ofMillis(250)),
                parsed("MAX_MEMORY_USAGE_MB", "512", GuardConfig::maxMemoryUsageMb, OptionalLong.of(512)),
                parsed("MAX_MEMORY_USAGE_MB", "0", GuardConfig::maxMemoryUsageMb, OptionalLong.empty()),
                parsed("LOG_RESOURCE_USAGE", "true", GuardConfig::logResourceUsage, true),
                parsed("LOG_RESOURCE_USAGE", "YES", GuardConfig::logResourceUsage, true),
                parsed("LOG_RESOURCE_USAGE", "1", GuardConfig::logResourceUsage, true),
                parsed("LOG_TASK_PERFORMANCE", "On", GuardConfig::logTaskPerformance, true),
                parsed("LOG_TASK_PERFORMANCE", "false", GuardConfig::logTaskPerformance, false),
                parsed("RESOURCEGUARD_NAME", "api-workers", GuardConfig::name, "api-workers"),
                parsed("RESOURCEGUARD_LEAK_THRESHOLD", "90s", GuardConfig::leakThreshold, Duration.ofSeconds(90)),
                parsed("RESOURCEGUARD_LEAK_THRESHOLD", "0", GuardConfig::leakThreshold, Duration.ZERO),
                parsed(
                        "RESOURCEGUARD_ALLOCATION_SITES",
                        "ALWAYS",
                        GuardConfig::allocationSites,
                        AllocationSites.ALWAYS),
                parsed("RESOURCEGUARD_ALLOCATION_SITES", "off", GuardConfig::allocationSites, AllocationSites.OFF),
                parsed(
                        "RESOURCEGUARD_ALLOCATION_SITES",
                        "Sampled",
                        GuardConfig::allocationSites,
                        AllocationSites.SAMPLED),
                parsed("RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE", "8", GuardConfig::allocationSiteSampleRate, 8),
                parsed(
                        "RESOURCEGUARD_REACHABILITY_LEAK_DETECTION",
                        "no",
                        GuardConfig::reachabilityLeakDetection,
                        false),
                parsed(
                        "RESOURCEGUARD_REACHABILITY_LEAK_DETECTION",
                        "OFF",
                        GuardConfig::reachabilityLeakDetection,
                        false),
                parsed(
                        "RESOURCEGUARD_FORCE_CLOSE_GRACE",
                        "500ms",
                        GuardConfig::forceCloseGrace,
                        Duration.ofMillis(500)),
                parsed("RESOURCEGUARD_FORCE_CLOSE_GRACE", "0", GuardConfig::forceCloseGrace, Duration.ZERO),
                parsed("RESOURCEGUARD_STUCK_GRACE", "PT3S", GuardConfig::stuckGrace, Duration.ofSeconds(3)),
                parsed("RESOURCEGUARD_STUCK_GRACE", "pt0.5s", GuardConfig::stuckGrace, Duration.ofMillis(500)),
                parsed("RESOURCEGUARD_IDLE_THRESHOLD", "2m", GuardConfig::idleThreshold, Duration.ofMinutes(2)),
                parsed("RESOURCEGUARD_IDLE_THRESHOLD", "1.5h", GuardConfig::idleThreshold, Duration.ofMinutes(90)),
                parsed(
                        "RESOURCEGUARD_QUOTAS",
                        "browser=2,connection=20",
                        c -> c.quotas().toString(),
                        "{browser=2, connection=20}"),
                parsed(
                        "RESOURCEGUARD_QUOTAS",
                        " browser = 2 ,  connection=20 ",
                        c -> c.quotas().toString(),
                        "{browser=2, connection=20}"),
                parsed("RESOURCEGUARD_ACQUIRE_TIMEOUT", "0.5", GuardConfig::acquireTimeout, Duration.ofMillis(500)),
                parsed("RESOURCEGUARD_ACQUIRE_TIMEOUT", "10 s", GuardConfig::acquireTimeout, Duration.ofSeconds(10)),
                parsed("RESOURCEGUARD_ACTION_THREADS", "4", GuardConfig::actionThreads, 4),
                parsed("RESOURCEGUARD_ACTION_TIMEOUT", "1H", GuardConfig::actionTimeout, Duration.ofHours(1)),
                parsed("RESOURCEGUARD_WATCHDOG_TICK", "5ms", GuardConfig::watchdogTick, Duration.ofMillis(5)),
                parsed("RESOURCEGUARD_WATCHDOG_TICK", "0.02", GuardConfig::watchdogTick, Duration.ofMillis(20)),
                parsed("RESOURCEGUARD_SHUTDOWN_TIMEOUT", "15", GuardConfig::shutdownTimeout, Duration.ofSeconds(15)),
                parsed("RESOURCEGUARD_SHUTDOWN_HOOK", "true", GuardConfig::shutdownHook, true),
                parsed("RESOURCEGUARD_EVENT_BUFFER_SIZE", "1024", GuardConfig::eventBufferSize, 1024),
                parsed("RESOURCEGUARD_MAX_EXTRA_THREADS", "0", GuardConfig::maxExtraThreads, 0),
                parsed("RESOURCEGUARD_MEMORY_MONITOR", "off", GuardConfig::memoryMonitor, false),
                parsed("RESOURCEGUARD_MEMORY_HIGH", "0.9", GuardConfig::memoryHigh, 0.9),
                parsed("RESOURCEGUARD_MEMORY_CRITICAL", "98%", GuardConfig::memoryCritical, 0.98),
                parsed("RESOURCEGUARD_MEMORY_RECOVERY", "0.5", GuardConfig::memoryRecovery, 0.5),
                parsed("RESOURCEGUARD_JMX", "no", GuardConfig::jmx, false),
                parsed("RESOURCEGUARD_JFR", "0", GuardConfig::jfr, false));
    }

    /**
     * variable, malformed value, expected form: every variable but RESOURCEGUARD_NAME, which takes any
     * text (a blank name is unset, not malformed).
     */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("MAX_TASK_DURATION", "abc", EnvironmentConfig.SECONDS),
                Arguments.of("MAX_TASK_DURATION", "5m", EnvironmentConfig.SECONDS),
                Arguments.of("MAX_TASK_DURATION", "1e3", EnvironmentConfig.SECONDS),
                Arguments.of("RESOURCE_CLEANUP_INTERVAL", "30s", EnvironmentConfig.SECONDS),
                Arguments.of("RESOURCE_CLEANUP_INTERVAL", "PT30S", EnvironmentConfig.SECONDS),
                Arguments.of("MAX_MEMORY_USAGE_MB", "1.5", EnvironmentConfig.WHOLE_MIB),
                Arguments.of("MAX_MEMORY_USAGE_MB", "512MB", EnvironmentConfig.WHOLE_MIB),
                Arguments.of("MAX_MEMORY_USAGE_MB", "99999999999999999999", EnvironmentConfig.WHOLE_MIB),
                Arguments.of("LOG_RESOURCE_USAGE", "maybe", EnvironmentConfig.BOOLEAN),
                Arguments.of("LOG_TASK_PERFORMANCE", "2", EnvironmentConfig.BOOLEAN),
                Arguments.of("RESOURCEGUARD_LEAK_THRESHOLD", "5 minutes", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_LEAK_THRESHOLD", "PT5X", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_ALLOCATION_SITES", "sometimes", EnvironmentConfig.ALLOCATION_SITES),
                Arguments.of("RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE", "1.5", EnvironmentConfig.WHOLE_NUMBER),
                Arguments.of(
                        "RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE", "99999999999", EnvironmentConfig.WHOLE_NUMBER),
                Arguments.of("RESOURCEGUARD_REACHABILITY_LEAK_DETECTION", "y", EnvironmentConfig.BOOLEAN),
                Arguments.of("RESOURCEGUARD_FORCE_CLOSE_GRACE", "1.s", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_STUCK_GRACE", "ms", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_IDLE_THRESHOLD", "1d", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_QUOTAS", "browser:2", EnvironmentConfig.QUOTAS),
                Arguments.of("RESOURCEGUARD_QUOTAS", "browser=two", EnvironmentConfig.QUOTAS),
                Arguments.of("RESOURCEGUARD_QUOTAS", "browser=2,browser=3", EnvironmentConfig.QUOTAS),
                Arguments.of("RESOURCEGUARD_QUOTAS", "browser=2,", EnvironmentConfig.QUOTAS),
                Arguments.of("RESOURCEGUARD_QUOTAS", "=2", EnvironmentConfig.QUOTAS),
                Arguments.of("RESOURCEGUARD_ACQUIRE_TIMEOUT", "30sec", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_ACTION_THREADS", "four", EnvironmentConfig.WHOLE_NUMBER),
                Arguments.of("RESOURCEGUARD_ACTION_TIMEOUT", "1e3", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_WATCHDOG_TICK", "10us", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_SHUTDOWN_TIMEOUT", "99999999999999999999h", EnvironmentConfig.DURATION),
                Arguments.of("RESOURCEGUARD_SHUTDOWN_HOOK", "enable", EnvironmentConfig.BOOLEAN),
                Arguments.of("RESOURCEGUARD_EVENT_BUFFER_SIZE", "1k", EnvironmentConfig.WHOLE_NUMBER),
                Arguments.of("RESOURCEGUARD_MAX_EXTRA_THREADS", "-x", EnvironmentConfig.WHOLE_NUMBER),
                Arguments.of("RESOURCEGUARD_MEMORY_MONITOR", "maybe", EnvironmentConfig.BOOLEAN),
                Arguments.of("RESOURCEGUARD_MEMORY_HIGH", "high", EnvironmentConfig.FRACTION),
                Arguments.of("RESOURCEGUARD_MEMORY_CRITICAL", "0.9.5", EnvironmentConfig.FRACTION),
                Arguments.of("RESOURCEGUARD_MEMORY_RECOVERY", "%", EnvironmentConfig.FRACTION),
                Arguments.of("RESOURCEGUARD_JMX", "sometimes", EnvironmentConfig.BOOLEAN),
                Arguments.of("RESOURCEGUARD_JFR", "2", EnvironmentConfig.BOOLEAN));
    }

    /** variable, well-formed value the builder rejects, the builder's message. */
    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("MAX_TASK_DURATION", "0", "maxTaskDuration must be positive: PT0S"),
                Arguments.of("MAX_TASK_DURATION", "-1", "maxTaskDuration must be positive: PT-1S"),
                Arguments.of("RESOURCE_CLEANUP_INTERVAL", "-0.5", "cleanupInterval must be positive: PT-0.5S"),
                Arguments.of("MAX_MEMORY_USAGE_MB", "-5", "maxMemoryUsageMb must not be negative: -5"),
                Arguments.of("RESOURCEGUARD_LEAK_THRESHOLD", "-1s", "leakThreshold must not be negative: PT-1S"),
                Arguments.of(
                        "RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE",
                        "0",
                        "allocationSiteSampleRate must be at least 1: 0"),
                Arguments.of("RESOURCEGUARD_FORCE_CLOSE_GRACE", "-PT1S", "forceCloseGrace must not be negative: PT-1S"),
                Arguments.of("RESOURCEGUARD_STUCK_GRACE", "-1ms", "stuckGrace must not be negative: PT-0.001S"),
                Arguments.of("RESOURCEGUARD_IDLE_THRESHOLD", "-1m", "idleThreshold must not be negative: PT-1M"),
                Arguments.of("RESOURCEGUARD_QUOTAS", "browser=0", "quota for 'browser' must be at least 1: 0"),
                Arguments.of(
                        "RESOURCEGUARD_QUOTAS", "Browser=2", "quota kind is not a valid kind: kind must be lower case"),
                Arguments.of("RESOURCEGUARD_ACQUIRE_TIMEOUT", "-1", "acquireTimeout must not be negative: PT-1S"),
                Arguments.of("RESOURCEGUARD_ACTION_THREADS", "0", "actionThreads must be between 1 and 64: 0"),
                Arguments.of("RESOURCEGUARD_ACTION_TIMEOUT", "0ms", "actionTimeout must be positive: PT0S"),
                Arguments.of("RESOURCEGUARD_WATCHDOG_TICK", "2s", "watchdogTick must be between 1 ms and 1 s: PT2S"),
                Arguments.of("RESOURCEGUARD_SHUTDOWN_TIMEOUT", "-3", "shutdownTimeout must not be negative: PT-3S"),
                Arguments.of(
                        "RESOURCEGUARD_EVENT_BUFFER_SIZE", "0", "eventBufferSize must be between 1 and 1000000: 0"),
                Arguments.of(
                        "RESOURCEGUARD_MAX_EXTRA_THREADS", "-1", "maxExtraThreads must be between 0 and 10000: -1"),
                Arguments.of("RESOURCEGUARD_MEMORY_HIGH", "1.5", "memoryHigh must be a fraction in (0, 1]: 1.5"));
    }

    // ---- the tests ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("wellFormed")
    void everyVariableIsParsed(String variable, String value, Function<GuardConfig, Object> getter, Object expected) {
        GuardConfig config =
                GuardConfig.fromEnvironment(Map.of(variable, value), NONE).build();
        assertEquals(expected, getter.apply(config));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("wellFormed")
    void everyPropertyIsParsed(String variable, String value, Function<GuardConfig, Object> getter, Object expected) {
        String property = EnvironmentConfig.propertyName(variable);
        GuardConfig config =
                GuardConfig.fromEnvironment(NONE, Map.of(property, value)).build();
        assertEquals(expected, getter.apply(config));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("malformed")
    void everyMalformedVariableIsRejectedWithItsNameValueAndForm(String variable, String value, String form) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GuardConfig.fromEnvironment(Map.of(variable, value), NONE));
        assertEquals(variable + " must be " + form + ": '" + value + "'", e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("malformed")
    void everyMalformedPropertyIsRejectedWithItsName(String variable, String value, String form) {
        String property = EnvironmentConfig.propertyName(variable);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GuardConfig.fromEnvironment(NONE, Map.of(property, value)));
        assertEquals(property + " must be " + form + ": '" + value + "'", e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("outOfRange")
    void aValueTheBuilderRejectsKeepsTheBuildersMessage(String variable, String value, String message) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GuardConfig.fromEnvironment(Map.of(variable, value), NONE));
        assertTrue(e.getMessage().startsWith(variable + "=" + value + ": " + message), e.getMessage());
    }

    @Test
    void theMessagesReadAsDocumented() {
        assertEquals(
                "MAX_TASK_DURATION must be a number of seconds, like 30 or 2.5: 'abc'",
                rejected(Map.of("MAX_TASK_DURATION", "abc"), NONE));
        assertEquals(
                "RESOURCEGUARD_ACTION_THREADS=0: actionThreads must be between 1 and 64: 0",
                rejected(Map.of("RESOURCEGUARD_ACTION_THREADS", "0"), NONE));
        assertEquals(
                "resourceguard.action.threads=99: actionThreads must be between 1 and 64: 99",
                rejected(NONE, Map.of("resourceguard.action.threads", "99")));
    }

    @Test
    void theTablesCoverEveryVariable() {
        Set<String> known = new TreeSet<>(EnvironmentConfig.variables());
        assertEquals(known, firstColumn(wellFormed()));
        Set<String> malformedCovered = firstColumn(malformed());
        malformedCovered.add("RESOURCEGUARD_NAME"); // any non-blank text is a name
        assertEquals(known, malformedCovered);
    }

    /** A setter added to the builder without a variable fails here. */
    @Test
    void everyBuilderSetterHasAVariable() {
        Map<String, String> legacy = Map.of(
                "maxTaskDuration", "MAX_TASK_DURATION",
                "cleanupInterval", "RESOURCE_CLEANUP_INTERVAL",
                "maxMemoryUsageMb", "MAX_MEMORY_USAGE_MB",
                "logResourceUsage", "LOG_RESOURCE_USAGE",
                "logTaskPerformance", "LOG_TASK_PERFORMANCE",
                "quota", "RESOURCEGUARD_QUOTAS");
        Set<String> builderOnly = Set.of("ticker", "listener", "sweepPolicy");
        Set<String> expected = new TreeSet<>();
        for (Method m : GuardConfig.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())
                    && m.getReturnType() == GuardConfig.Builder.class
                    && !builderOnly.contains(m.getName())) {
                expected.add(legacy.getOrDefault(m.getName(), "RESOURCEGUARD_" + upperSnake(m.getName())));
            }
        }
        assertEquals(expected, new TreeSet<>(EnvironmentConfig.variables()));
    }

    @Test
    void propertyNamesFollowTheVariableNames() {
        assertEquals("resourceguard.leak.threshold", EnvironmentConfig.propertyName("RESOURCEGUARD_LEAK_THRESHOLD"));
        assertEquals("resourceguard.max.task.duration", EnvironmentConfig.propertyName("MAX_TASK_DURATION"));
        assertEquals(
                "resourceguard.resource.cleanup.interval", EnvironmentConfig.propertyName("RESOURCE_CLEANUP_INTERVAL"));
        assertEquals(
                "resourceguard.allocation.site.sample.rate",
                EnvironmentConfig.propertyName("RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE"));
    }

    @Test
    void aPropertyWinsOverItsVariable() {
        GuardConfig config = GuardConfig.fromEnvironment(
                        Map.of(
                                "MAX_TASK_DURATION",
                                "10",
                                "RESOURCEGUARD_ACTION_THREADS",
                                "3",
                                "RESOURCEGUARD_NAME",
                                "env"),
                        Map.of("resourceguard.max.task.duration", "20", "resourceguard.name", "prop"))
                .build();
        assertEquals(Duration.ofSeconds(20), config.maxTaskDuration());
        assertEquals("prop", config.name());
        assertEquals(3, config.actionThreads()); // no property: the variable applies
    }

    @Test
    void aPropertyReplacesTheVariablesQuotasRatherThanMerging() {
        GuardConfig config = GuardConfig.fromEnvironment(
                        Map.of("RESOURCEGUARD_QUOTAS", "browser=2,connection=20"),
                        Map.of("resourceguard.quotas", "browser=1"))
                .build();
        assertEquals(Map.of("browser", 1), config.quotas());
    }

    @Test
    void aPropertyWinsEvenWhenTheVariableIsMalformed() {
        GuardConfig config = GuardConfig.fromEnvironment(
                        Map.of("MAX_TASK_DURATION", "abc"), Map.of("resourceguard.max.task.duration", "7"))
                .build();
        assertEquals(Duration.ofSeconds(7), config.maxTaskDuration());
    }

    @Test
    void systemPropertiesObjectsWork() {
        Properties props = new Properties();
        props.setProperty("resourceguard.shutdown.hook", "yes");
        props.put("resourceguard.not.a.string.value", 42); // not a string: ignored, like Properties does
        props.put(7, "not a string key");
        assertTrue(GuardConfig.fromEnvironment(NONE, props).build().shutdownHook());
    }

    @Test
    void blankValuesCountAsUnset() {
        Map<String, String> env = new HashMap<>();
        Map<String, String> props = new HashMap<>();
        for (String variable : EnvironmentConfig.variables()) {
            env.put(variable, "  ");
            props.put(EnvironmentConfig.propertyName(variable), "");
        }
        assertEquals(
                GuardConfig.defaults().toString(),
                GuardConfig.fromEnvironment(env, props).build().toString());
    }

    @Test
    void aBlankPropertyLeavesTheVariableInForce() {
        GuardConfig config = GuardConfig.fromEnvironment(
                        Map.of("RESOURCEGUARD_ACTION_THREADS", "5"), Map.of("resourceguard.action.threads", " "))
                .build();
        assertEquals(5, config.actionThreads());
    }

    @Test
    void nothingSetGivesTheDefaults() {
        assertEquals(
                GuardConfig.defaults().toString(),
                GuardConfig.fromEnvironment(NONE, NONE).build().toString());
    }

    @Test
    void unrelatedNamesAreIgnored() {
        Map<String, String> env = Map.of(
                "PATH",
                "/usr/bin",
                "HOME",
                "/root",
                "JAVA_TOOL_OPTIONS",
                "-Xmx1g",
                "RESOURCEGUARDIAN",
                "x",
                "MAX_TASK_DURATION_HINT",
                "x");
        Map<String, String> props = Map.of("java.version", "17", "resourceguardian.x", "y");
        assertEquals(
                GuardConfig.defaults().toString(),
                GuardConfig.fromEnvironment(env, props).build().toString());
    }

    @Test
    void anUnknownVariableIsRejectedWithTheKnownNames() {
        String message = rejected(Map.of("RESOURCEGUARD_LEAK_TRESHOLD", "30s"), NONE);
        assertTrue(message.startsWith("unknown environment variable RESOURCEGUARD_LEAK_TRESHOLD; known: "), message);
        for (String variable : EnvironmentConfig.variables()) {
            assertTrue(message.contains(variable), variable + " missing from: " + message);
        }
    }

    @Test
    void anUnknownVariableIsRejectedEvenWhenBlankOrInAnotherCase() {
        assertTrue(rejected(Map.of("RESOURCEGUARD_TYPO", ""), NONE).contains("RESOURCEGUARD_TYPO"));
        assertTrue(rejected(Map.of("resourceguard_name", "x"), NONE).contains("resourceguard_name"));
        // A legacy name is not RESOURCEGUARD_-prefixed; the prefixed spelling is not one of the names.
        assertTrue(rejected(Map.of("RESOURCEGUARD_MAX_TASK_DURATION", "5"), NONE)
                .contains("RESOURCEGUARD_MAX_TASK_DURATION; known: MAX_TASK_DURATION"));
    }

    @Test
    void anUnknownPropertyIsRejectedWithTheKnownNames() {
        String message = rejected(NONE, Map.of("resourceguard.leak.treshold", "30s"));
        assertTrue(message.startsWith("unknown system property resourceguard.leak.treshold; known: "), message);
        for (String variable : EnvironmentConfig.variables()) {
            String property = EnvironmentConfig.propertyName(variable);
            assertTrue(message.contains(property), property + " missing from: " + message);
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MAX_TASK_DURATION", "abc");
        env.put("RESOURCEGUARD_ACTION_THREADS", "0");
        env.put("RESOURCEGUARD_TYPO_ONE", "1");
        env.put("RESOURCEGUARD_TYPO_TWO", "2");
        String message = rejected(env, Map.of("resourceguard.typo", "3"));
        assertTrue(message.startsWith("4 configuration errors: "), message);
        assertTrue(
                message.contains("unknown environment variables RESOURCEGUARD_TYPO_ONE, RESOURCEGUARD_TYPO_TWO;"),
                message);
        assertTrue(message.contains("unknown system property resourceguard.typo;"), message);
        assertTrue(message.contains("MAX_TASK_DURATION must be a number of seconds, like 30 or 2.5: 'abc'"), message);
        assertTrue(
                message.contains("RESOURCEGUARD_ACTION_THREADS=0: actionThreads must be between 1 and 64: 0"), message);
    }

    @Test
    void theReturnedBuilderCanBeOverriddenAndBuildCrossChecks() {
        GuardConfig.Builder builder = GuardConfig.fromEnvironment(
                Map.of("RESOURCE_CLEANUP_INTERVAL", "0.005", "RESOURCEGUARD_QUOTAS", "browser=2"), NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(
                e.getMessage()
                        .contains("watchdogTick (PT0.01S, RESOURCEGUARD_WATCHDOG_TICK) must not be longer than"
                                + " cleanupInterval (PT0.005S, RESOURCE_CLEANUP_INTERVAL)"),
                e.getMessage());
        GuardConfig config =
                builder.watchdogTick(Duration.ofMillis(5)).quota("browser", 4).build();
        assertEquals(Map.of("browser", 4), config.quotas());
    }

    @Test
    void subNanosecondDigitsAreRounded() {
        GuardConfig config = GuardConfig.fromEnvironment(Map.of("MAX_TASK_DURATION", "1.0000000016"), NONE)
                .build();
        assertEquals(Duration.ofSeconds(1, 2), config.maxTaskDuration());
    }

    @Test
    void nullMapsAreRejected() {
        assertThrows(NullPointerException.class, () -> GuardConfig.fromEnvironment(null, NONE));
        assertThrows(NullPointerException.class, () -> GuardConfig.fromEnvironment(NONE, null));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static Arguments parsed(
            String variable, String value, Function<GuardConfig, Object> getter, Object expected) {
        return Arguments.of(variable, value, getter, expected);
    }

    private static String rejected(Map<String, String> env, Map<?, ?> props) {
        return assertThrows(IllegalArgumentException.class, () -> GuardConfig.fromEnvironment(env, props))
                .getMessage();
    }

    private static Set<String> firstColumn(Stream<Arguments> table) {
        return table.map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String upperSnake(String camel) {
        return Arrays.stream(camel.split("(?=[A-Z])"))
                .map(part -> part.toUpperCase(Locale.ROOT))
                .collect(Collectors.joining("_"));
    }
}
