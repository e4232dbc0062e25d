package dev.resourceguard.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link GuardedDataSource} tracks connections: leak threshold, when an abandoned connection is
 * reclaimed, and whether a task's deadline bounds its queries. Immutable; made by {@link #builder()},
 * whose setters reject a bad value at once with the value in the message.
 *
 * <pre>{@code
 * JdbcOptions options = JdbcOptions.builder()
 *         .name("orders-db")
 *         .leakThreshold(Duration.ofSeconds(30))
 *         .maxHoldTime(Duration.ofMinutes(10))
 *         .build();
 * DataSource db = GuardedDataSource.wrap(hikari, guard, options);
 * }</pre>
 *
 * <p><b>Leaks.</b> A connection held longer than the {@linkplain #leakThreshold() leak threshold} is
 * reported once, with the stack of the code that opened it when the guard captured it (see {@link
 * dev.resourceguard.GuardConfig#allocationSites()}). It is <em>reclaimed</em> — rolled back and closed, so
 * that the pool gets it back — only when all of these hold: it has been held longer than the {@linkplain
 * #maxHoldTime() maximum hold time}, no statement is running on it, it has had no activity for the
 * {@linkplain #reclaimIdleTime() reclaim idle time}, and no running task owns it (a task's connections are
 * reclaimed when the task ends). A long transaction that keeps working is therefore never taken away.
 */
public final class JdbcOptions {

    private static final JdbcOptions DEFAULTS = new Builder().build();

    private final String name;
    private final Duration leakThreshold; // null: the guard's
    private final Duration maxHoldTime;
    private final Duration reclaimIdleTime;
    private final Duration reclaimCheckInterval;
    private final boolean deadlineQueryTimeout;
    private final boolean statementHandles;

    private JdbcOptions(Builder b) {
        this.name = b.name;
        this.leakThreshold = b.leakThreshold;
        this.maxHoldTime = b.maxHoldTime;
        this.reclaimIdleTime = b.reclaimIdleTime;
        this.reclaimCheckInterval = b.reclaimCheckInterval;
        this.deadlineQueryTimeout = b.deadlineQueryTimeout;
        this.statementHandles = b.statementHandles;
    }

    /** The defaults: see each getter. */
    public static JdbcOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The name of the connection handles, in reports and log lines. Empty by default: the HikariCP pool
     * name when the wrapped {@code DataSource} is a {@code HikariDataSource}, else {@code jdbc}.
     */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * Connections held longer are reported as suspected leaks; {@link Duration#ZERO} turns the report off.
     * Empty by default: the guard's {@link dev.resourceguard.GuardConfig#leakThreshold()} (1 min unless
     * configured).
     */
    public Optional<Duration> leakThreshold() {
        return Optional.ofNullable(leakThreshold);
    }

    /**
     * How long a connection may be held before it may be reclaimed (if idle and unowned, see the class
     * comment); {@link Duration#ZERO} never reclaims by age. Default 15 min. Must be longer than the leak
     * threshold.
     */
    public Duration maxHoldTime() {
        return maxHoldTime;
    }

    /** How long a connection past its maximum hold time must have been idle to be reclaimed. Default 1 min. */
    public Duration reclaimIdleTime() {
        return reclaimIdleTime;
    }

    /** How often the data source looks for connections to reclaim. Default 1 s. */
    public Duration reclaimCheckInterval() {
        return reclaimCheckInterval;
    }

    /**
     * Whether a statement executed by a task with a deadline gets a query timeout of at most the time
     * left, rounded up to whole seconds (the guard also cancels the statement at the exact deadline).
     * Default true.
     */
    public boolean deadlineQueryTimeout() {
        return deadlineQueryTimeout;
    }

    /**
     * Whether each statement is a handle of its own (kind {@code statement}, a child of its connection's
     * handle) rather than part of its connection's. Default false.
     *
     * <p>Either way the guard cancels a running statement at its task's deadline, before it interrupts the
     * task's thread: without statement handles, the connection's handle (the task's child) cancels the
     * statement running on it. Statement handles add the statements to reports and let the guard cancel
     * several statements running at once on one connection, but each costs a handle (about as much as a
     * trivial query on H2 in memory takes, see the module's notes); turn them on to debug, not on a hot
     * path.
     */
    public boolean statementHandles() {
        return statementHandles;
    }

    @Override
    public String toString() {
        return "JdbcOptions{name=" + (name == null ? "default" : name)
                + ", leakThreshold=" + (leakThreshold == null ? "guard's" : leakThreshold)
                + ", maxHoldTime=" + (maxHoldTime.isZero() ? "never" : maxHoldTime)
                + ", reclaimIdleTime=" + reclaimIdleTime
                + ", reclaimCheckInterval=" + reclaimCheckInterval
                + ", deadlineQueryTimeout=" + deadlineQueryTimeout
                + ", statementHandles=" + statementHandles
                + '}';
    }

    /**
     * Builds {@link JdbcOptions}. Each setter rejects a bad value at once ({@link IllegalArgumentException}
     * naming the option and the value); {@link #build()} checks options against each other.
     */
    public static final class Builder {
        private String name;
        private Duration leakThreshold;
        private Duration maxHoldTime = Duration.ofMinutes(15);
        private Duration reclaimIdleTime = Duration.ofMinutes(1);
        private Duration reclaimCheckInterval = Duration.ofSeconds(1);
        private boolean deadlineQueryTimeout = true;
        private boolean statementHandles;

        private Builder() {}

        private Builder(JdbcOptions o) {
            this.name = o.name;
            this.leakThreshold = o.leakThreshold;
            this.maxHoldTime = o.maxHoldTime;
            this.reclaimIdleTime = o.reclaimIdleTime;
            this.reclaimCheckInterval = o.reclaimCheckInterval;
            this.deadlineQueryTimeout = o.deadlineQueryTimeout;
            this.statementHandles = o.statementHandles;
        }

        /** The name of the connection handles; not blank. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank: '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Zero turns the leak report off; see {@link JdbcOptions#leakThreshold()}. */
        public Builder leakThreshold(Duration threshold) {
            this.leakThreshold = nonNegative("leakThreshold", threshold);
            return this;
        }

        /** Zero never reclaims by age; see {@link JdbcOptions#maxHoldTime()}. */
        public Builder maxHoldTime(Duration maxHoldTime) {
            this.maxHoldTime = nonNegative("maxHoldTime", maxHoldTime);
            return this;
        }

        public Builder reclaimIdleTime(Duration idle) {
            this.reclaimIdleTime = positive("reclaimIdleTime", idle);
            return this;
        }

        public Builder reclaimCheckInterval(Duration interval) {
            this.reclaimCheckInterval = positive("reclaimCheckInterval", interval);
            return this;
        }

        public Builder deadlineQueryTimeout(boolean enabled) {
            this.deadlineQueryTimeout = enabled;
            return this;
        }

        /** See {@link JdbcOptions#statementHandles()}. */
        public Builder statementHandles(boolean enabled) {
            this.statementHandles = enabled;
            return this;
        }

        /**
         * @throws IllegalArgumentException if a maximum hold time is set and not longer than the leak
         *     threshold
         */
        public JdbcOptions build() {
            if (leakThreshold != null) {
                checkHoldAfterLeak(maxHoldTime, leakThreshold, "leakThreshold");
            }
            return new JdbcOptions(this);
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }

    /** Rejects a maximum hold time that is set and not longer than a leak threshold that is set. */
    static void checkHoldAfterLeak(Duration maxHoldTime, Duration leakThreshold, String leakSource) {
        if (!maxHoldTime.isZero() && !leakThreshold.isZero() && maxHoldTime.compareTo(leakThreshold) <= 0) {
            throw new IllegalArgumentException(
                    "maxHoldTime (" + maxHoldTime + ") must be longer than the leak threshold (" + leakThreshold + ", "
                            + leakSource + "), or zero to never reclaim by age");
        }
    }
}
