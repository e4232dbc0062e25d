package dev.resourceguard;

import dev.resourceguard.spi.HandleHooks;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * How to track one kind of resource: its kind name, default deadline and leak threshold, how to
 * cancel and close it, and its cost. Immutable and reusable; build one per kind and keep it in a
 * constant.
 *
 * <pre>{@code
 * static final HandleSpec<HttpClient> CLIENT = HandleSpec.<HttpClient>builder("http-client")
 *         .timeout(Duration.ofSeconds(30))
 *         .onClose(HttpClient::close)
 *         .build();
 * }</pre>
 *
 * @param <T> the type of the tracked resource
 */
public final class HandleSpec<T> {

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    /** Runs a cancel action on a resource; may throw. */
    @FunctionalInterface
    public interface CancelAction<T> {
        void cancel(T resource) throws Exception;
    }

    /** Releases a resource; {@code cause} tells whether the release is forced. */
    @FunctionalInterface
    public interface CloseAction<T> {
        void close(T resource, CloseCause cause) throws Exception;
    }

    final String kind;
    final String name;
    final long timeoutNanos; // 0: none
    final long leakThresholdNanos; // -1: the guard's default, 0: off
    final CancelAction<? super T> cancelAction;
    final CloseAction<? super T> closeAction;
    final long costBytes;
    final ToLongFunction<? super T> costFunction;
    final boolean protect;
    final boolean interruptRunner;
    final boolean forbidOwnerInterrupt;
    final boolean trackReachability;
    final HandleHooks hooks;

    private HandleSpec(Builder<T> b) {
        this.kind = b.kind;
        this.name = b.name;
        this.timeoutNanos = b.timeoutNanos;
        this.leakThresholdNanos = b.leakThresholdNanos;
        this.cancelAction = b.cancelAction;
        this.closeAction = b.closeAction;
        this.costBytes = b.costBytes;
        this.costFunction = b.costFunction;
        this.protect = b.protect;
        this.interruptRunner = b.interruptRunner;
        this.forbidOwnerInterrupt = b.forbidOwnerInterrupt;
        this.trackReachability = b.trackReachability;
        this.hooks = b.hooks;
    }

    /**
     * Starts a spec for the given kind.
     *
     * @param kind lower case, starts with a letter, then letters, digits, {@code _ . -}; at most 64
     * @throws IllegalArgumentException if the kind does not match
     */
    public static <T> Builder<T> builder(String kind) {
        return new Builder<>(kind);
    }

    /** A spec for a kind with no actions: closing the handle only stops tracking. */
    public static <T> HandleSpec<T> of(String kind) {
        return new Builder<T>(kind).build();
    }

    /**
     * A spec for an {@link AutoCloseable}: closing the handle closes the resource. Its deadline cancels
     * by closing too.
     */
    public static <T extends AutoCloseable> HandleSpec<T> closing(String kind) {
        return new Builder<T>(kind)
                .onClose((resource, cause) -> resource.close())
                .build();
    }

    /** A copy of the builder, to derive a variant. */
    public Builder<T> toBuilder() {
        return new Builder<>(this);
    }

    public String kind() {
        return kind;
    }

    /** The default deadline, {@link Duration#ZERO} for none. */
    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** The name handles get unless one is given, or {@code null} for {@code kind#id}. */
    public String defaultName() {
        return name;
    }

    /** Whether handles of this spec are protected from sweeps. */
    public boolean isProtected() {
        return protect;
    }

    /** Hooks for adapters; never {@code null}. */
    public HandleHooks hooks() {
        return hooks;
    }

    // Accessors the guard implementation (another package) uses.

    /** @return the leak threshold in nanoseconds: -1 for the guard's default, 0 for none */
    public long leakThresholdNanos() {
        return leakThresholdNanos;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    public boolean interruptsRunner() {
        return interruptRunner;
    }

    public boolean forbidsOwnerInterrupt() {
        return forbidOwnerInterrupt;
    }

    public boolean tracksReachability() {
        return trackReachability;
    }

    public boolean hasCancelAction() {
        return cancelAction != null;
    }

    /** Runs the cancel action, if any. */
    @SuppressWarnings("unchecked")
    public void runCancel(Object resource) throws Exception {
        if (cancelAction != null) {
            ((CancelAction<Object>) cancelAction).cancel(resource);
        }
    }

    /** Runs the close action, if any. */
    @SuppressWarnings("unchecked")
    public void runClose(Object resource, CloseCause cause) throws Exception {
        if (closeAction != null) {
            ((CloseAction<Object>) closeAction).close(resource, cause);
        }
    }

    /** The cost estimate of a resource of this spec. */
    @SuppressWarnings("unchecked")
    public long cost(Object resource) {
        if (costFunction != null) {
            try {
                return Math.max(0, ((ToLongFunction<Object>) costFunction).applyAsLong(resource));
            } catch (RuntimeException e) {
                return costBytes;
            }
        }
        return costBytes;
    }

    @Override
    public String toString() {
        return "HandleSpec{kind=" + kind
                + (name == null ? "" : ", name=" + name)
                + ", timeout=" + (timeoutNanos == 0 ? "none" : Duration.ofNanos(timeoutNanos))
                + ", leakThreshold="
                + (leakThresholdNanos < 0
                        ? "default"
                        : leakThresholdNanos == 0 ? "off" : Duration.ofNanos(leakThresholdNanos))
                + ", cancel=" + (cancelAction != null) + ", close=" + (closeAction != null)
                + ", costBytes=" + costBytes + ", protected=" + protect
                + ", interruptRunner=" + interruptRunner + ", forbidOwnerInterrupt=" + forbidOwnerInterrupt
                + ", reachability=" + trackReachability + '}';
    }

    /** Builds a {@link HandleSpec}; every setter rejects a bad value at once. */
    public static final class Builder<T> {
        private final String kind;
        private String name;
        private long timeoutNanos;
        private long leakThresholdNanos = -1;
        private CancelAction<? super T> cancelAction;
        private CloseAction<? super T> closeAction;
        private long costBytes;
        private ToLongFunction<? super T> costFunction;
        private boolean protect;
        private boolean interruptRunner;
        private boolean forbidOwnerInterrupt;
        private boolean trackReachability = true;
        private HandleHooks hooks = NO_HOOKS;

        private Builder(String kind) {
            Objects.requireNonNull(kind, "kind");
            if (!KIND.matcher(kind).matches()) {
                throw new IllegalArgumentException("kind must be lower case, start with a letter and use only"
                        + " [a-z0-9_.-], at most 64 characters: '" + kind + "'");
            }
            this.kind = kind;
        }

        private Builder(HandleSpec<T> s) {
            this.kind = s.kind;
            this.name = s.name;
            this.timeoutNanos = s.timeoutNanos;
            this.leakThresholdNanos = s.leakThresholdNanos;
            this.cancelAction = s.cancelAction;
            this.closeAction = s.closeAction;
            this.costBytes = s.costBytes;
            this.costFunction = s.costFunction;
            this.protect = s.protect;
            this.interruptRunner = s.interruptRunner;
            this.forbidOwnerInterrupt = s.forbidOwnerInterrupt;
            this.trackReachability = s.trackReachability;
            this.hooks = s.hooks;
        }

        /** The default name of handles of this spec (otherwise {@code kind#id}). */
        public Builder<T> name(String name) {
            this.name = requireText("name", name);
            return this;
        }

        /** A deadline {@code timeout} after opening. */
        public Builder<T> timeout(Duration timeout) {
            this.timeoutNanos = positiveNanos("timeout", timeout);
            return this;
        }

        /** No default deadline (the default). */
        public Builder<T> noTimeout() {
            this.timeoutNanos = 0;
            return this;
        }

        /**
         * Reports a handle held longer than this as a suspected leak; {@link Duration#ZERO} turns age
         * leak detection off for this kind. Default: the guard's {@link GuardConfig#leakThreshold()}.
         */
        public Builder<T> leakThreshold(Duration threshold) {
            this.leakThresholdNanos = nonNegativeNanos("leakThreshold", threshold);
            return this;
        }

        /** Runs when the handle is cancelled (its deadline passed, a sweep, an explicit cancel). */
        public Builder<T> onCancel(CancelAction<? super T> action) {
            this.cancelAction = Objects.requireNonNull(action, "cancel action");
            return this;
        }

        /** Releases the resource; runs exactly once when the handle closes. */
        public Builder<T> onClose(CloseAction<? super T> action) {
            this.closeAction = Objects.requireNonNull(action, "close action");
            return this;
        }

        /** A fixed cost estimate in bytes. */
        public Builder<T> costBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("costBytes must not be negative: " + bytes);
            }
            this.costBytes = bytes;
            return this;
        }

        /** A cost estimate computed from the resource when a sweep or report asks (must be cheap). */
        public Builder<T> cost(ToLongFunction<? super T> estimator) {
            this.costFunction = Objects.requireNonNull(estimator, "cost estimator");
            return this;
        }

        /** Sweeps never touch handles of this spec. */
        public Builder<T> protect(boolean protect) {
            this.protect = protect;
            return this;
        }

        /** Whether cancel interrupts the thread running the handle ({@link Handle#enter()}). Tasks: yes. */
        public Builder<T> interruptRunner(boolean interrupt) {
            this.interruptRunner = interrupt;
            return this;
        }

        /**
         * While a handle of this spec is open, its owner's thread must not be interrupted (a thread
         * blocked in Playwright is freed by killing the browser; an interrupt breaks the connection).
         */
        public Builder<T> forbidOwnerInterrupt(boolean forbid) {
            this.forbidOwnerInterrupt = forbid;
            return this;
        }

        /**
         * Whether a handle dropped without close is detected by the garbage collector and reported as
         * leaked (default true). Adapters that always close their handles themselves turn it off to
         * save an allocation.
         */
        public Builder<T> trackReachability(boolean track) {
            this.trackReachability = track;
            return this;
        }

        /** Callbacks for adapters. */
        public Builder<T> hooks(HandleHooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        public HandleSpec<T> build() {
            return new HandleSpec<>(this);
        }
    }

    static final HandleHooks NO_HOOKS = new HandleHooks() {};

    static String requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
        }
        return value;
    }

    static long positiveNanos(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return saturatedNanos(d);
    }

    static long nonNegativeNanos(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return saturatedNanos(d);
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
