package dev.resourceguard.executors;

import dev.resourceguard.GuardConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * How {@link GuardedExecutors#wrap} guards one executor: its name, the default task timeout and how many
 * threads it may add to replace stuck workers. Immutable; made by {@link #builder()}, whose setters reject
 * a bad value at once with the value in the message. Unset values come from the guard's {@link
 * GuardConfig}.
 *
 * <pre>{@code
 * ExecutorService workers = GuardedExecutors.wrap(Executors.newFixedThreadPool(8), guard,
 *         ExecutorOptions.builder().name("crawler").taskTimeout(Duration.ofSeconds(30)).build());
 * }</pre>
 */
public final class ExecutorOptions {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final DoubleSupplier RANDOM =
            () -> ThreadLocalRandom.current().nextDouble();

    private final String name;
    private final Duration taskTimeout;
    private final int maxExtraThreads; // -1: the guard's
    private final int queueWaitSampleRate;
    // For tests of this package: where retries wait and where their jitter comes from.
    final RetryScheduler retryScheduler;
    final DoubleSupplier random;

    private ExecutorOptions(Builder b) {
        this.name = b.name;
        this.taskTimeout = b.taskTimeout;
        this.maxExtraThreads = b.maxExtraThreads;
        this.queueWaitSampleRate = b.queueWaitSampleRate;
        this.retryScheduler = b.retryScheduler;
        this.random = b.random;
    }

    /** A builder with nothing set: a generated name, the guard's task timeout and extra-thread bound. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: a generated name ({@code executor-<n>}), everything else from the guard. */
    public static ExecutorOptions defaults() {
        return new Builder().build();
    }

    /** The name, if one was set; otherwise the executor gets {@code executor-<n>}. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The default task timeout, if set; otherwise the guard's {@link GuardConfig#maxTaskDuration()}. */
    public Optional<Duration> taskTimeout() {
        return Optional.ofNullable(taskTimeout);
    }

    /** The bound on compensation threads, if set; otherwise the guard's {@link GuardConfig#maxExtraThreads()}. */
    public OptionalInt maxExtraThreads() {
        return maxExtraThreads < 0 ? OptionalInt.empty() : OptionalInt.of(maxExtraThreads);
    }

    /** One task in this many has its queue wait timed (see {@link Builder#queueWaitSampleRate}). */
    public int queueWaitSampleRate() {
        return queueWaitSampleRate;
    }

    String nameOrGenerated() {
        return name != null ? name : "executor-" + SEQUENCE.incrementAndGet();
    }

    @Override
    public String toString() {
        return "ExecutorOptions{name=" + (name == null ? "generated" : name)
                + ", taskTimeout=" + (taskTimeout == null ? "guard's maxTaskDuration" : taskTimeout)
                + ", maxExtraThreads=" + (maxExtraThreads < 0 ? "guard's" : Integer.toString(maxExtraThreads))
                + ", queueWaitSampleRate=" + queueWaitSampleRate
                + '}';
    }

    /** Builds {@link ExecutorOptions}; every setter rejects a bad value at once. */
    public static final class Builder {
        private String name;
        private Duration taskTimeout;
        private int maxExtraThreads = -1;
        private int queueWaitSampleRate = 32;
        private RetryScheduler retryScheduler;
        private DoubleSupplier random = RANDOM;

        private Builder() {}

        /**
         * The executor's name: in task names, log lines and meter tags. Letters, digits, {@code . _ -}; at
         * most 64.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "name must be 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** The deadline of a task that does not give its own, counted from when a worker starts it. */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = Checks.positive("taskTimeout", timeout);
            return this;
        }

        /**
         * The most threads the executor may add to replace stuck workers (a {@code ThreadPoolExecutor}
         * only); 0 turns compensation off.
         */
        public Builder maxExtraThreads(int threads) {
            if (threads < 0 || threads > 10_000) {
                throw new IllegalArgumentException("maxExtraThreads must be between 0 and 10000: " + threads);
            }
            this.maxExtraThreads = threads;
            return this;
        }

        /**
         * Times the queue wait of one task in {@code oneIn} (default 32; 1 times every task). Timing a wait
         * reads the clock twice, which costs more than the rest of the executor's bookkeeping on machines
         * with a slow clock (about 30 ns per read under KVM); the count of started tasks stays exact and the
         * total wait is estimated from the sample.
         */
        public Builder queueWaitSampleRate(int oneIn) {
            if (oneIn < 1 || oneIn > 1024) {
                throw new IllegalArgumentException("queueWaitSampleRate must be between 1 and 1024: " + oneIn);
            }
            this.queueWaitSampleRate = oneIn;
            return this;
        }

        Builder retryScheduler(RetryScheduler scheduler) {
            this.retryScheduler = Objects.requireNonNull(scheduler, "retryScheduler");
            return this;
        }

        Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public ExecutorOptions build() {
            return new ExecutorOptions(this);
        }
    }
}
