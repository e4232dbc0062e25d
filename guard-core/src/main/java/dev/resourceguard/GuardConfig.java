package dev.resourceguard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The settings of a {@link ResourceGuard}. Immutable; made by {@link #builder()}, whose setters reject a
 * bad value at once with the value in the message, or read from the environment by {@link
 * #fromEnvironment()}. {@link #toString()} shows every setting.
 *
 * <pre>{@code
 * GuardConfig config = GuardConfig.builder()
 *         .maxTaskDuration(Duration.ofMinutes(2))
 *         .quota("browser", 2)
 *         .build();
 * }</pre>
 *
 * <p>See {@code docs/configuration.md} for every setting with its variable name, default and unit.
 */
public final class GuardConfig {

    private final String name;
    private final Duration maxTaskDuration;
    private final Duration cleanupInterval;
    private final long maxMemoryUsageMb; // 0: unset
    private final boolean logResourceUsage;
    private final boolean logTaskPerformance;
    private final Duration leakThreshold;
    private final AllocationSites allocationSites;
    private final int allocationSiteSampleRate;
    private final boolean reachabilityLeakDetection;
    private final Duration forceCloseGrace;
    private final Duration stuckGrace;
    private final Duration idleThreshold;
    private final Map<String, Integer> quotas;
    private final Duration acquireTimeout;
    private final int actionThreads;
    private final Duration actionTimeout;
    private final Duration watchdogTick;
    private final Duration shutdownTimeout;
    private final boolean shutdownHook;
    private final int eventBufferSize;
    private final int maxExtraThreads;
    private final boolean memoryMonitor;
    private final double memoryHigh;
    private final double memoryCritical;
    private final double memoryRecovery;
    private final SweepPolicy sweepPolicy;
    private final boolean jmx;
    private final boolean jfr;
    private final Ticker ticker;
    private final List<GuardListener> listeners;

    private GuardConfig(Builder b) {
        this.name = b.name;
        this.maxTaskDuration = b.maxTaskDuration;
        this.cleanupInterval = b.cleanupInterval;
        this.maxMemoryUsageMb = b.maxMemoryUsageMb;
        this.logResourceUsage = b.logResourceUsage;
        this.logTaskPerformance = b.logTaskPerformance;
        this.leakThreshold = b.leakThreshold;
        this.allocationSites = b.allocationSites;
        this.allocationSiteSampleRate = b.allocationSiteSampleRate;
        this.reachabilityLeakDetection = b.reachabilityLeakDetection;
        this.forceCloseGrace = b.forceCloseGrace;
        this.stuckGrace = b.stuckGrace;
        this.idleThreshold = b.idleThreshold;
        this.quotas = Collections.unmodifiableMap(new LinkedHashMap<>(b.quotas));
        this.acquireTimeout = b.acquireTimeout;
        this.actionThreads = b.actionThreads;
        this.actionTimeout = b.actionTimeout;
        this.watchdogTick = b.watchdogTick;
        this.shutdownTimeout = b.shutdownTimeout;
        this.shutdownHook = b.shutdownHook;
        this.eventBufferSize = b.eventBufferSize;
        this.maxExtraThreads = b.maxExtraThreads;
        this.memoryMonitor = b.memoryMonitor;
        this.memoryHigh = b.memoryHigh;
        this.memoryCritical = b.memoryCritical;
        this.memoryRecovery = b.memoryRecovery;
        this.sweepPolicy = b.sweepPolicy;
        this.jmx = b.jmx;
        this.jfr = b.jfr;
        this.ticker = b.ticker;
        this.listeners = List.copyOf(b.listeners);
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static GuardConfig defaults() {
        return new Builder().build();
    }

    /**
     * Reads the settings from the environment and system properties ({@code resourceguard.*} properties
     * win over variables). See {@code docs/configuration.md} for the names and forms.
     *
     * @throws IllegalArgumentException naming the variable, the value and the expected form, if one is
     *     malformed
     */
    public static GuardConfig fromEnvironment() {
        return EnvironmentConfig.read(System.getenv(), System.getProperties()).build();
    }

    /**
     * As {@link #fromEnvironment()}, from the given variables and properties; returns the builder so
     * code can override some settings.
     */
    public static Builder fromEnvironment(Map<String, String> env, Map<?, ?> properties) {
        return EnvironmentConfig.read(env, properties);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The guard's name, in log lines, meters, JMX and reports. */
    public String name() {
        return name;
    }

    /** The default deadline of a task ({@code MAX_TASK_DURATION}). */
    public Duration maxTaskDuration() {
        return maxTaskDuration;
    }

    /** How often the guard checks ages, reaps and logs usage ({@code RESOURCE_CLEANUP_INTERVAL}). */
    public Duration cleanupInterval() {
        return cleanupInterval;
    }

    /** The process memory limit in MiB ({@code MAX_MEMORY_USAGE_MB}), empty if unset. */
    public OptionalLong maxMemoryUsageMb() {
        return maxMemoryUsageMb == 0 ? OptionalLong.empty() : OptionalLong.of(maxMemoryUsageMb);
    }

    /** Whether each cleanup logs a one-line summary of resource usage ({@code LOG_RESOURCE_USAGE}). */
    public boolean logResourceUsage() {
        return logResourceUsage;
    }

    /** Whether each task logs its duration and outcome ({@code LOG_TASK_PERFORMANCE}). */
    public boolean logTaskPerformance() {
        return logTaskPerformance;
    }

    /** Handles held longer are reported as suspected leaks; zero turns age detection off. */
    public Duration leakThreshold() {
        return leakThreshold;
    }

    /** When the stack of the code opening a handle is captured. */
    public AllocationSites allocationSites() {
        return allocationSites;
    }

    /** With {@link AllocationSites#SAMPLED}: one handle in this many has its site captured. */
    public int allocationSiteSampleRate() {
        return allocationSiteSampleRate;
    }

    /** Whether handles dropped while open are detected through the garbage collector. */
    public boolean reachabilityLeakDetection() {
        return reachabilityLeakDetection;
    }

    /** After a cancel, how long to wait before force-closing the handle's children. */
    public Duration forceCloseGrace() {
        return forceCloseGrace;
    }

    /** After a forced close, how long to wait before declaring the handle's thread stuck. */
    public Duration stuckGrace() {
        return stuckGrace;
    }

    /** Handles without activity for this long count as idle for sweeps; zero: never idle. */
    public Duration idleThreshold() {
        return idleThreshold;
    }

    /** The limits on open handles per kind. */
    public Map<String, Integer> quotas() {
        return quotas;
    }

    /** How long opening a handle waits for a quota before failing. */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /** The threads that run cancel and close actions for the watchdog. */
    public int actionThreads() {
        return actionThreads;
    }

    /** A cancel or close action running longer is reported as hung and its thread replaced. */
    public Duration actionTimeout() {
        return actionTimeout;
    }

    /** How often the watchdog wakes up: the resolution of deadlines. */
    public Duration watchdogTick() {
        return watchdogTick;
    }

    /** How long {@link ResourceGuard#close()} waits for handles to close. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Whether creating the guard installs a JVM shutdown hook that closes it. */
    public boolean shutdownHook() {
        return shutdownHook;
    }

    /** How many recent events the guard keeps for reports. */
    public int eventBufferSize() {
        return eventBufferSize;
    }

    /** The most threads an executor may add to replace stuck workers (per wrapped executor). */
    public int maxExtraThreads() {
        return maxExtraThreads;
    }

    /**
     * Whether the guard watches heap and process memory and sweeps under pressure (after each garbage
     * collection and at every cleanup).
     */
    public boolean memoryMonitor() {
        return memoryMonitor;
    }

    /** Memory use, as a fraction of the limit, at which the level becomes HIGH: idle, expired, leaked swept. */
    public double memoryHigh() {
        return memoryHigh;
    }

    /** Memory use at which the level becomes CRITICAL: emergency sweeps cancel work in policy order. */
    public double memoryCritical() {
        return memoryCritical;
    }

    /** Memory use below which the level returns to NORMAL, and which an emergency sweep aims for. */
    public double memoryRecovery() {
        return memoryRecovery;
    }

    /** The order in which emergency sweeps pick handles. */
    public SweepPolicy sweepPolicy() {
        return sweepPolicy;
    }

    /** Whether the guard registers a {@link GuardMXBean} ({@code dev.resourceguard:type=ResourceGuard,name=...}). */
    public boolean jmx() {
        return jmx;
    }

    /** Whether guard events are also recorded as JFR events ({@code dev.resourceguard.GuardEvent}). */
    public boolean jfr() {
        return jfr;
    }

    /** The time source. */
    public Ticker ticker() {
        return ticker;
    }

    /** Listeners registered at creation. */
    public List<GuardListener> listeners() {
        return listeners;
    }

    @Override
    public String toString() {
        return "GuardConfig{name=" + name
                + ", maxTaskDuration=" + maxTaskDuration
                + ", cleanupInterval=" + cleanupInterval
                + ", maxMemoryUsageMb=" + (maxMemoryUsageMb == 0 ? "unset" : maxMemoryUsageMb)
                + ", logResourceUsage=" + logResourceUsage
                + ", logTaskPerformance=" + logTaskPerformance
                + ", leakThreshold=" + leakThreshold
                + ", allocationSites=" + allocationSites
                + ", allocationSiteSampleRate=" + allocationSiteSampleRate
                + ", reachabilityLeakDetection=" + reachabilityLeakDetection
                + ", forceCloseGrace=" + forceCloseGrace
                + ", stuckGrace=" + stuckGrace
                + ", idleThreshold=" + idleThreshold
                + ", quotas=" + quotas
                + ", acquireTimeout=" + acquireTimeout
                + ", actionThreads=" + actionThreads
                + ", actionTimeout=" + actionTimeout
                + ", watchdogTick=" + watchdogTick
                + ", shutdownTimeout=" + shutdownTimeout
                + ", shutdownHook=" + shutdownHook
                + ", eventBufferSize=" + eventBufferSize
                + ", maxExtraThreads=" + maxExtraThreads
                + ", memoryMonitor=" + memoryMonitor
                + ", memoryHigh=" + memoryHigh
                + ", memoryCritical=" + memoryCritical
                + ", memoryRecovery=" + memoryRecovery
                + ", sweepPolicy=" + sweepPolicy
                + ", jmx=" + jmx
                + ", jfr=" + jfr
                + ", ticker="
                + (ticker == SYSTEM_TICKER ? "system" : ticker.getClass().getSimpleName())
                + ", listeners=" + listeners.size()
                + '}';
    }

    private static final Ticker SYSTEM_TICKER = Ticker.system();

    /**
     * Builds a {@link GuardConfig}. Each setter rejects a bad value at once ({@link
     * IllegalArgumentException} naming the setting and the value); {@link #build()} checks settings
     * against each other.
     */
    public static final class Builder {
        private String name = "resourceguard";
        private Duration maxTaskDuration = Duration.ofMinutes(5);
        private Duration cleanupInterval = Duration.ofSeconds(30);
        private long maxMemoryUsageMb;
        private boolean logResourceUsage;
        private boolean logTaskPerformance;
        private Duration leakThreshold = Duration.ofMinutes(1);
        private AllocationSites allocationSites = AllocationSites.SAMPLED;
        private int allocationSiteSampleRate = 256;
        private boolean reachabilityLeakDetection = true;
        private Duration forceCloseGrace = Duration.ofSeconds(1);
        private Duration stuckGrace = Duration.ofSeconds(2);
        private Duration idleThreshold = Duration.ofMinutes(5);
        private final Map<String, Integer> quotas = new LinkedHashMap<>();
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private int actionThreads = 2;
        private Duration actionTimeout = Duration.ofSeconds(5);
        private Duration watchdogTick = Duration.ofMillis(10);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean shutdownHook;
        private int eventBufferSize = 256;
        private int maxExtraThreads = 16;
        private boolean memoryMonitor = true;
        private double memoryHigh = 0.85;
        private double memoryCritical = 0.95;
        private double memoryRecovery = 0.75;
        private SweepPolicy sweepPolicy = SweepPolicy.standard();
        private boolean jmx = true;
        private boolean jfr = true;
        private Ticker ticker = SYSTEM_TICKER;
        private final List<GuardListener> listeners = new ArrayList<>();

        private Builder() {}

        private Builder(GuardConfig c) {
            this.name = c.name;
            this.maxTaskDuration = c.maxTaskDuration;
            this.cleanupInterval = c.cleanupInterval;
            this.maxMemoryUsageMb = c.maxMemoryUsageMb;
            this.logResourceUsage = c.logResourceUsage;
            this.logTaskPerformance = c.logTaskPerformance;
            this.leakThreshold = c.leakThreshold;
            this.allocationSites = c.allocationSites;
            this.allocationSiteSampleRate = c.allocationSiteSampleRate;
            this.reachabilityLeakDetection = c.reachabilityLeakDetection;
            this.forceCloseGrace = c.forceCloseGrace;
            this.stuckGrace = c.stuckGrace;
            this.idleThreshold = c.idleThreshold;
            this.quotas.putAll(c.quotas);
            this.acquireTimeout = c.acquireTimeout;
            this.actionThreads = c.actionThreads;
            this.actionTimeout = c.actionTimeout;
            this.watchdogTick = c.watchdogTick;
            this.shutdownTimeout = c.shutdownTimeout;
            this.shutdownHook = c.shutdownHook;
            this.eventBufferSize = c.eventBufferSize;
            this.maxExtraThreads = c.maxExtraThreads;
            this.memoryMonitor = c.memoryMonitor;
            this.memoryHigh = c.memoryHigh;
            this.memoryCritical = c.memoryCritical;
            this.memoryRecovery = c.memoryRecovery;
            this.sweepPolicy = c.sweepPolicy;
            this.jmx = c.jmx;
            this.jfr = c.jfr;
            this.ticker = c.ticker;
            this.listeners.addAll(c.listeners);
        }

        /** Letters, digits, {@code . _ -}; at most 64 (it goes into thread names and meter tags). */
        public Builder name(String name) {
            java.util.Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "name must be 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
            }
            this.name = name;
            return this;
        }

        public Builder maxTaskDuration(Duration d) {
            this.maxTaskDuration = positive("maxTaskDuration", d);
            return this;
        }

        public Builder cleanupInterval(Duration d) {
            this.cleanupInterval = positive("cleanupInterval", d);
            return this;
        }

        /** The process memory limit in MiB; 0 unsets it (then the container limit, if any, applies). */
        public Builder maxMemoryUsageMb(long megabytes) {
            if (megabytes < 0) {
                throw new IllegalArgumentException("maxMemoryUsageMb must not be negative: " + megabytes);
            }
            this.maxMemoryUsageMb = megabytes;
            return this;
        }

        public Builder logResourceUsage(boolean log) {
            this.logResourceUsage = log;
            return this;
        }

        public Builder logTaskPerformance(boolean log) {
            this.logTaskPerformance = log;
            return this;
        }

        /** Zero turns age leak detection off. */
        public Builder leakThreshold(Duration d) {
            this.leakThreshold = nonNegative("leakThreshold", d);
            return this;
        }

        public Builder allocationSites(AllocationSites mode) {
            this.allocationSites = Objects.requireNonNull(mode, "allocationSites");
            return this;
        }

        public Builder allocationSiteSampleRate(int oneIn) {
            if (oneIn < 1) {
                throw new IllegalArgumentException("allocationSiteSampleRate must be at least 1: " + oneIn);
            }
            this.allocationSiteSampleRate = oneIn;
            return this;
        }

        public Builder reachabilityLeakDetection(boolean enabled) {
            this.reachabilityLeakDetection = enabled;
            return this;
        }

        public Builder forceCloseGrace(Duration d) {
            this.forceCloseGrace = nonNegative("forceCloseGrace", d);
            return this;
        }

        public Builder stuckGrace(Duration d) {
            this.stuckGrace = nonNegative("stuckGrace", d);
            return this;
        }

        /** Zero: handles never count as idle. */
        public Builder idleThreshold(Duration d) {
            this.idleThreshold = nonNegative("idleThreshold", d);
            return this;
        }

        /** At most {@code limit} open handles of {@code kind}. */
        public Builder quota(String kind, int limit) {
            Objects.requireNonNull(kind, "quota kind");
            try {
                HandleSpec.builder(kind);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("quota kind is not a valid kind: " + e.getMessage(), e);
            }
            if (limit < 1) {
                throw new IllegalArgumentException("quota for '" + kind + "' must be at least 1: " + limit);
            }
            quotas.put(kind, limit);
            return this;
        }

        public Builder acquireTimeout(Duration d) {
            this.acquireTimeout = nonNegative("acquireTimeout", d);
            return this;
        }

        public Builder actionThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("actionThreads must be between 1 and 64: " + threads);
            }
            this.actionThreads = threads;
            return this;
        }

        public Builder actionTimeout(Duration d) {
            this.actionTimeout = positive("actionTimeout", d);
            return this;
        }

        public Builder watchdogTick(Duration d) {
            Objects.requireNonNull(d, "watchdogTick");
            if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("watchdogTick must be between 1 ms and 1 s: " + d);
            }
            this.watchdogTick = d;
            return this;
        }

        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = nonNegative("shutdownTimeout", d);
            return this;
        }

        public Builder shutdownHook(boolean install) {
            this.shutdownHook = install;
            return this;
        }

        public Builder eventBufferSize(int size) {
            if (size < 1 || size > 1_000_000) {
                throw new IllegalArgumentException("eventBufferSize must be between 1 and 1000000: " + size);
            }
            this.eventBufferSize = size;
            return this;
        }

        public Builder maxExtraThreads(int threads) {
            if (threads < 0 || threads > 10_000) {
                throw new IllegalArgumentException("maxExtraThreads must be between 0 and 10000: " + threads);
            }
            this.maxExtraThreads = threads;
            return this;
        }

        public Builder memoryMonitor(boolean enabled) {
            this.memoryMonitor = enabled;
            return this;
        }

        /** A fraction in (0, 1]. */
        public Builder memoryHigh(double fraction) {
            this.memoryHigh = fraction("memoryHigh", fraction);
            return this;
        }

        /** A fraction in (0, 1]. */
        public Builder memoryCritical(double fraction) {
            this.memoryCritical = fraction("memoryCritical", fraction);
            return this;
        }

        /** A fraction in (0, 1]. */
        public Builder memoryRecovery(double fraction) {
            this.memoryRecovery = fraction("memoryRecovery", fraction);
            return this;
        }

        public Builder sweepPolicy(SweepPolicy policy) {
            this.sweepPolicy = Objects.requireNonNull(policy, "sweepPolicy");
            return this;
        }

        private static double fraction(String what, double f) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException(what + " must be a fraction in (0, 1]: " + f);
            }
            return f;
        }

        public Builder jmx(boolean register) {
            this.jmx = register;
            return this;
        }

        public Builder jfr(boolean record) {
            this.jfr = record;
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder listener(GuardListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @throws IllegalArgumentException if settings contradict each other
         */
        public GuardConfig build() {
            if (!(memoryRecovery < memoryHigh && memoryHigh <= memoryCritical)) {
                throw new IllegalArgumentException("memory levels must satisfy memoryRecovery < memoryHigh <="
                        + " memoryCritical (RESOURCEGUARD_MEMORY_RECOVERY, _HIGH, _CRITICAL): " + memoryRecovery
                        + ", " + memoryHigh + ", " + memoryCritical);
            }
            if (watchdogTick.compareTo(cleanupInterval) > 0) {
                throw new IllegalArgumentException("watchdogTick (" + watchdogTick
                        + ", RESOURCEGUARD_WATCHDOG_TICK) must not be longer than cleanupInterval ("
                        + cleanupInterval + ", RESOURCE_CLEANUP_INTERVAL)");
            }
            return new GuardConfig(this);
        }

        private static Duration positive(String what, Duration d) {
            HandleSpec.positiveNanos(what, d);
            return d;
        }

        private static Duration nonNegative(String what, Duration d) {
            HandleSpec.nonNegativeNanos(what, d);
            return d;
        }
    }
}
