package dev.resourceguard;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a {@link GuardConfig.Builder} from environment variables and system properties.
 *
 * <p>Five settings keep the names the product has always documented ({@code MAX_TASK_DURATION},
 * {@code RESOURCE_CLEANUP_INTERVAL}, {@code MAX_MEMORY_USAGE_MB}, {@code LOG_RESOURCE_USAGE}, {@code
 * LOG_TASK_PERFORMANCE}); every other builder setting is {@code RESOURCEGUARD_<UPPER_SNAKE>}. Each
 * variable has a system property, {@code resourceguard.} followed by the variable's name in lower case
 * with dots for underscores and without the {@code RESOURCEGUARD_} prefix ({@code
 * RESOURCEGUARD_LEAK_THRESHOLD} ↔ {@code resourceguard.leak.threshold}); a property wins over its
 * variable. Blank values count as unset.
 *
 * <p>Nothing is ignored silently: a malformed value, a value the builder rejects, and an unknown {@code
 * RESOURCEGUARD_*} variable or {@code resourceguard.*} property all fail with an {@link
 * IllegalArgumentException} that names the variable or property, the value and the expected form. All
 * problems are reported at once, so one restart shows every one of them.
 */
final class EnvironmentConfig {

    private static final String VARIABLE_PREFIX = "RESOURCEGUARD_";
    private static final String PROPERTY_PREFIX = "resourceguard.";

    static final String SECONDS = "a number of seconds, like 30 or 2.5";
    static final String DURATION = "a duration: a number of seconds like 30 or 0.5, a number with a unit"
            + " (ms, s, m, h) like 500ms or 2m, or ISO-8601 like PT5S";
    static final String BOOLEAN = "true or false (or yes/no, on/off, 1/0)";
    static final String WHOLE_MIB = "a whole number of MiB, like 512";
    static final String WHOLE_NUMBER = "a whole number, like 4";
    static final String QUOTAS = "kind=limit pairs separated by commas, each kind once, like browser=2,connection=20";
    static final String ALLOCATION_SITES = "one of "
            + Arrays.stream(AllocationSites.values())
                    .map(mode -> mode.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
    static final String TEXT = "text";
    static final String FRACTION = "a fraction of the memory limit, like 0.85 (or a percentage, like 85%)";

    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern NUMBER_WITH_UNIT =
            Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern ISO_8601 = Pattern.compile("[+-]?P.*", Pattern.CASE_INSENSITIVE);
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    /** Every setting, in the order of {@code docs/configuration.md}. */
    private static final List<Setting<?>> SETTINGS = List.of(
            setting("MAX_TASK_DURATION", SECONDS, EnvironmentConfig::seconds, GuardConfig.Builder::maxTaskDuration),
            setting(
                    "RESOURCE_CLEANUP_INTERVAL",
                    SECONDS,
                    EnvironmentConfig::seconds,
                    GuardConfig.Builder::cleanupInterval),
            setting(
                    "MAX_MEMORY_USAGE_MB",
                    WHOLE_MIB,
                    EnvironmentConfig::wholeLong,
                    GuardConfig.Builder::maxMemoryUsageMb),
            setting("LOG_RESOURCE_USAGE", BOOLEAN, EnvironmentConfig::bool, GuardConfig.Builder::logResourceUsage),
            setting("LOG_TASK_PERFORMANCE", BOOLEAN, EnvironmentConfig::bool, GuardConfig.Builder::logTaskPerformance),
            setting(
                    "RESOURCEGUARD_LEAK_THRESHOLD",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::leakThreshold),
            setting("RESOURCEGUARD_QUOTAS", QUOTAS, EnvironmentConfig::quotas, EnvironmentConfig::applyQuotas),
            setting(
                    "RESOURCEGUARD_ACQUIRE_TIMEOUT",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::acquireTimeout),
            setting(
                    "RESOURCEGUARD_FORCE_CLOSE_GRACE",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::forceCloseGrace),
            setting(
                    "RESOURCEGUARD_STUCK_GRACE",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::stuckGrace),
            setting(
                    "RESOURCEGUARD_ALLOCATION_SITES",
                    ALLOCATION_SITES,
                    EnvironmentConfig::allocationSites,
                    GuardConfig.Builder::allocationSites),
            setting("RESOURCEGUARD_SHUTDOWN_HOOK", BOOLEAN, EnvironmentConfig::bool, GuardConfig.Builder::shutdownHook),
            setting(
                    "RESOURCEGUARD_SHUTDOWN_TIMEOUT",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::shutdownTimeout),
            setting("RESOURCEGUARD_NAME", TEXT, Function.identity(), GuardConfig.Builder::name),
            setting(
                    "RESOURCEGUARD_ALLOCATION_SITE_SAMPLE_RATE",
                    WHOLE_NUMBER,
                    EnvironmentConfig::wholeInt,
                    GuardConfig.Builder::allocationSiteSampleRate),
            setting(
                    "RESOURCEGUARD_REACHABILITY_LEAK_DETECTION",
                    BOOLEAN,
                    EnvironmentConfig::bool,
                    GuardConfig.Builder::reachabilityLeakDetection),
            setting(
                    "RESOURCEGUARD_IDLE_THRESHOLD",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::idleThreshold),
            setting(
                    "RESOURCEGUARD_ACTION_THREADS",
                    WHOLE_NUMBER,
                    EnvironmentConfig::wholeInt,
                    GuardConfig.Builder::actionThreads),
            setting(
                    "RESOURCEGUARD_ACTION_TIMEOUT",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::actionTimeout),
            setting(
                    "RESOURCEGUARD_WATCHDOG_TICK",
                    DURATION,
                    EnvironmentConfig::duration,
                    GuardConfig.Builder::watchdogTick),
            setting(
                    "RESOURCEGUARD_EVENT_BUFFER_SIZE",
                    WHOLE_NUMBER,
                    EnvironmentConfig::wholeInt,
                    GuardConfig.Builder::eventBufferSize),
            setting(
                    "RESOURCEGUARD_MAX_EXTRA_THREADS",
                    WHOLE_NUMBER,
                    EnvironmentConfig::wholeInt,
                    GuardConfig.Builder::maxExtraThreads),
            setting(
                    "RESOURCEGUARD_MEMORY_MONITOR",
                    BOOLEAN,
                    EnvironmentConfig::bool,
                    GuardConfig.Builder::memoryMonitor),
            setting(
                    "RESOURCEGUARD_MEMORY_HIGH",
                    FRACTION,
                    EnvironmentConfig::fraction,
                    GuardConfig.Builder::memoryHigh),
            setting(
                    "RESOURCEGUARD_MEMORY_CRITICAL",
                    FRACTION,
                    EnvironmentConfig::fraction,
                    GuardConfig.Builder::memoryCritical),
            setting(
                    "RESOURCEGUARD_MEMORY_RECOVERY",
                    FRACTION,
                    EnvironmentConfig::fraction,
                    GuardConfig.Builder::memoryRecovery),
            setting("RESOURCEGUARD_JMX", BOOLEAN, EnvironmentConfig::bool, GuardConfig.Builder::jmx),
            setting("RESOURCEGUARD_JFR", BOOLEAN, EnvironmentConfig::bool, GuardConfig.Builder::jfr));

    private static final List<String> VARIABLES =
            SETTINGS.stream().map(s -> s.variable).collect(Collectors.toUnmodifiableList());
    private static final List<String> PROPERTIES =
            SETTINGS.stream().map(s -> s.property).collect(Collectors.toUnmodifiableList());

    private EnvironmentConfig() {}

    /**
     * Reads every setting from {@code env} and {@code properties} (a property wins over its variable).
     *
     * @param env environment variables, as {@link System#getenv()}
     * @param properties system properties, as {@link System#getProperties()}; entries whose key or value
     *     is not a string are ignored
     * @return a builder holding the settings found, the defaults elsewhere; not yet cross-checked by
     *     {@link GuardConfig.Builder#build()}
     * @throws IllegalArgumentException naming each malformed, rejected or unknown variable or property
     */
    static GuardConfig.Builder read(Map<String, String> env, Map<?, ?> properties) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(properties, "properties");
        Map<String, String> props = stringEntries(properties);
        List<String> errors = new ArrayList<>();
        rejectUnknown("environment variable", VARIABLE_PREFIX, env.keySet(), VARIABLES, errors);
        rejectUnknown("system property", PROPERTY_PREFIX, props.keySet(), PROPERTIES, errors);

        GuardConfig.Builder builder = GuardConfig.builder();
        for (Setting<?> setting : SETTINGS) {
            String property = props.get(setting.property);
            if (!isBlank(property)) {
                setting.apply(builder, setting.property, property, errors);
                continue;
            }
            String variable = env.get(setting.variable);
            if (!isBlank(variable)) {
                setting.apply(builder, setting.variable, variable, errors);
            }
        }
        if (errors.size() == 1) {
            throw new IllegalArgumentException(errors.get(0));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.size() + " configuration errors: " + String.join("; ", errors));
        }
        return builder;
    }

    /** The environment variable names, in documentation order. */
    static List<String> variables() {
        return VARIABLES;
    }

    /**
     * The system property of a variable: {@code resourceguard.} + the name in lower case with {@code _}
     * → {@code .}, without a leading {@code resourceguard_}.
     */
    static String propertyName(String variable) {
        String lower = variable.toLowerCase(Locale.ROOT);
        if (lower.startsWith(VARIABLE_PREFIX.toLowerCase(Locale.ROOT))) {
            lower = lower.substring(VARIABLE_PREFIX.length());
        }
        return PROPERTY_PREFIX + lower.replace('_', '.');
    }

    /** A name is unknown if it starts with the prefix, in any case, and is not exactly a known name. */
    private static void rejectUnknown(
            String what, String prefix, Set<String> names, List<String> known, List<String> errors) {
        Set<String> unknown = new TreeSet<>();
        for (String name : names) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length()) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            errors.add("unknown " + what + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown) + "; known: "
                    + String.join(", ", known));
        }
    }

    private static Map<String, String> stringEntries(Map<?, ?> properties) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : properties.entrySet()) {
            if (e.getKey() instanceof String && e.getValue() instanceof String) {
                copy.put((String) e.getKey(), (String) e.getValue());
            }
        }
        return copy;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    // Parsers: each returns null for a malformed value and leaves range checks to the builder.

    static Duration seconds(String value) {
        return DECIMAL.matcher(value).matches() ? scaled(value, 1_000_000_000L) : null;
    }

    static Duration duration(String value) {
        if (ISO_8601.matcher(value).matches()) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = NUMBER_WITH_UNIT.matcher(value);
        if (!m.matches()) {
            return null;
        }
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        switch (unit) {
            case "ms":
                return scaled(m.group(1), 1_000_000L);
            case "s":
                return scaled(m.group(1), 1_000_000_000L);
            case "m":
                return scaled(m.group(1), 60_000_000_000L);
            default:
                return scaled(m.group(1), 3_600_000_000_000L);
        }
    }

    /** {@code number × nanosPerUnit} nanoseconds, rounded to the nanosecond; null if out of range. */
    private static Duration scaled(String number, long nanosPerUnit) {
        BigInteger nanos = new BigDecimal(number)
                .multiply(BigDecimal.valueOf(nanosPerUnit))
                .setScale(0, RoundingMode.HALF_UP)
                .toBigInteger();
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(NANOS_PER_SECOND);
        try {
            return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
        } catch (ArithmeticException e) {
            return null;
        }
    }

    static Boolean bool(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
            case "1":
                return Boolean.TRUE;
            case "false":
            case "no":
            case "off":
            case "0":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    static Double fraction(String value) {
        boolean percent = value.endsWith("%");
        String number = percent ? value.substring(0, value.length() - 1).trim() : value;
        if (!DECIMAL.matcher(number).matches()) {
            return null;
        }
        double d = Double.parseDouble(number);
        return percent ? d / 100 : d;
    }

    static Long wholeLong(String value) {
        if (!INTEGER.matcher(value).matches()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Integer wholeInt(String value) {
        if (!INTEGER.matcher(value).matches()) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static AllocationSites allocationSites(String value) {
        for (AllocationSites mode : AllocationSites.values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        return null;
    }

    static Map<String, Integer> quotas(String value) {
        Map<String, Integer> quotas = new LinkedHashMap<>();
        for (String pair : value.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                return null;
            }
            String kind = pair.substring(0, eq).trim();
            Integer limit = wholeInt(pair.substring(eq + 1).trim());
            if (kind.isEmpty() || limit == null || quotas.putIfAbsent(kind, limit) != null) {
                return null;
            }
        }
        return quotas;
    }

    private static void applyQuotas(GuardConfig.Builder builder, Map<String, Integer> quotas) {
        quotas.forEach(builder::quota);
    }

    private static <T> Setting<T> setting(
            String variable, String form, Function<String, T> parser, BiConsumer<GuardConfig.Builder, T> setter) {
        return new Setting<>(variable, form, parser, setter);
    }

    /** One variable: its names, its expected form, how to parse it and which builder setter takes it. */
    private static final class Setting<T> {
        final String variable;
        final String property;
        final String form;
        final Function<String, T> parser;
        final BiConsumer<GuardConfig.Builder, T> setter;

        Setting(String variable, String form, Function<String, T> parser, BiConsumer<GuardConfig.Builder, T> setter) {
            this.variable = variable;
            this.property = propertyName(variable);
            this.form = form;
            this.parser = parser;
            this.setter = setter;
        }

        /** Parses {@code value} and hands it to the builder; adds a message to {@code errors} if either fails. */
        void apply(GuardConfig.Builder builder, String name, String value, List<String> errors) {
            T parsed = parser.apply(value.trim());
            if (parsed == null) {
                errors.add(name + " must be " + form + ": '" + value + "'");
                return;
            }
            try {
                setter.accept(builder, parsed);
            } catch (IllegalArgumentException e) {
                errors.add(name + "=" + value + ": " + e.getMessage());
            }
        }
    }
}
