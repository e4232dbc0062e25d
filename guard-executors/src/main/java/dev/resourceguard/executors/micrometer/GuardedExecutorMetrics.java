package dev.resourceguard.executors.micrometer;

import dev.resourceguard.executors.ExecutorStats;
import dev.resourceguard.executors.GuardedExecutorService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link GuardedExecutorService}'s counters as Micrometer meters. Every meter reads {@link
 * GuardedExecutorService#stats()} when the registry is scraped, so nothing is added to the path of a task
 * (unlike timing each task with a {@code Timer}).
 *
 * <pre>{@code
 * new GuardedExecutorMetrics(workers).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter is tagged {@code guard=<guard name>} and {@code executor=<executor name>} plus the extra
 * tags, and has a description.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th></tr>
 *   <tr><td>{@code guard.executor.tasks.submitted}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.rejected}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.completed}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.failed}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.timed.out}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.cancelled}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.stuck}</td><td>function counter</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.tasks.stuck.active}</td><td>gauge</td><td>tasks</td></tr>
 *   <tr><td>{@code guard.executor.queue.wait}</td><td>function timer</td><td>seconds</td></tr>
 *   <tr><td>{@code guard.executor.compensation.threads}</td><td>gauge</td><td>threads</td></tr>
 *   <tr><td>{@code guard.executor.compensation.threads.max}</td><td>gauge</td><td>threads</td></tr>
 * </table>
 *
 * <p>The meters hold the executor's stats strongly: they keep reading a shut-down executor's final counts.
 * Thread-safe; may be bound to more than one registry. Needs {@code io.micrometer:micrometer-core} on the
 * class path (an optional dependency of this module).
 */
public final class GuardedExecutorMetrics implements MeterBinder {
    private final ExecutorStats stats;
    private final Tags tags;

    /** Meters tagged with the guard's and the executor's names. */
    public GuardedExecutorMetrics(GuardedExecutorService executor) {
        this(executor, Tags.empty());
    }

    /** Meters tagged with the guard's and the executor's names and {@code extraTags}. */
    public GuardedExecutorMetrics(GuardedExecutorService executor, Iterable<Tag> extraTags) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(extraTags, "extraTags");
        this.stats = executor.stats();
        this.tags = Tags.concat(extraTags, "guard", executor.guard().config().name(), "executor", executor.name());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        counter(registry, "submitted", "Tasks accepted by the executor", ExecutorStats::submitted);
        counter(registry, "rejected", "Tasks the wrapped executor rejected", ExecutorStats::rejected);
        counter(registry, "completed", "Tasks that returned normally", ExecutorStats::completed);
        counter(registry, "failed", "Tasks that threw", ExecutorStats::failed);
        counter(
                registry,
                "timed.out",
                "Tasks whose deadline passed (counted at the deadline)",
                ExecutorStats::timedOut);
        counter(registry, "cancelled", "Tasks cancelled before they finished", ExecutorStats::cancelled);
        counter(
                registry,
                "stuck",
                "Workers declared stuck: their task ignored cancel and forced close",
                ExecutorStats::stuck);
        Gauge.builder("guard.executor.tasks.stuck.active", stats, ExecutorStats::stuckNow)
                .tags(tags)
                .baseUnit(BaseUnits.TASKS)
                .description("Workers stuck now")
                .register(registry);
        FunctionTimer.builder(
                        "guard.executor.queue.wait",
                        stats,
                        ExecutorStats::started,
                        ExecutorStats::queueWaitNanos,
                        TimeUnit.NANOSECONDS)
                .tags(tags)
                .description("Time tasks waited between submission and start")
                .register(registry);
        Gauge.builder("guard.executor.compensation.threads", stats, ExecutorStats::compensationThreads)
                .tags(tags)
                .baseUnit(BaseUnits.THREADS)
                .description("Threads added to the pool to replace stuck workers")
                .register(registry);
        Gauge.builder("guard.executor.compensation.threads.max", stats, ExecutorStats::compensationLimit)
                .tags(tags)
                .baseUnit(BaseUnits.THREADS)
                .description("The most threads the executor may add to replace stuck workers")
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ExecutorStats> f) {
        FunctionCounter.builder("guard.executor.tasks." + name, stats, f)
                .tags(tags)
                .baseUnit(BaseUnits.TASKS)
                .description(description)
                .register(registry);
    }
}
