package dev.resourceguard.micrometer;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardStats;
import dev.resourceguard.ResourceGuard;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a guard's counters as Micrometer meters. Every meter reads {@link ResourceGuard#stats()}
 * when the registry is scraped, so nothing is added to the path that opens and closes handles.
 *
 * <pre>{@code
 * new GuardMetrics(guard, Tags.of("app", "crawler")).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter is tagged {@code guard=<name>} plus the extra tags, and has a description. Counts have
 * no base unit (as Micrometer's own {@code CacheMeterBinder}); nothing here measures time or bytes.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code guard.handles.open}</td><td>gauge</td><td>{@code kind}</td></tr>
 *   <tr><td>{@code guard.handles.closed}</td><td>function counter</td><td>{@code kind}, {@code cause}
 *       ({@code completed}, {@code timed_out}, ...)</td></tr>
 *   <tr><td>{@code guard.handles.opened}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.deadline.exceeded}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.force.closed}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.stuck}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.stuck.threads}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code guard.leaks}</td><td>function counter</td><td>{@code type} ({@code suspected},
 *       {@code leaked})</td></tr>
 *   <tr><td>{@code guard.swept}</td><td>function counter</td><td>kind</td></tr>
 *   <tr><td>{@code guard.sweeps}</td><td>function counter</td><td>level (manual, high, critical)</td></tr>
 *   <tr><td>{@code guard.memory.used}</td><td>gauge, bytes</td><td>budget (heap, process)</td></tr>
 *   <tr><td>{@code guard.memory.limit}</td><td>gauge, bytes</td><td>budget (heap, process)</td></tr>
 *   <tr><td>{@code guard.memory.level}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code guard.quota.timeouts}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.action.failures}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.actions.hung}</td><td>function counter</td><td></td></tr>
 *   <tr><td>{@code guard.quota.limit}</td><td>gauge, kinds with a quota</td><td>{@code kind}</td></tr>
 *   <tr><td>{@code guard.quota.waiting}</td><td>gauge, kinds with a quota</td><td>{@code kind}</td></tr>
 * </table>
 *
 * <p>A kind first seen after {@link #bindTo} gets its meters then, in every registry bound so far. The
 * meters hold the guard's stats strongly: they keep reading a closed guard's final counts.
 *
 * <p>Thread-safe; may be bound to more than one registry. Needs {@code io.micrometer:micrometer-core}
 * on the class path (an optional dependency of the core).
 */
public final class GuardMetrics implements MeterBinder {
    private static final Logger log = LoggerFactory.getLogger(GuardMetrics.class);

    private final GuardStats stats;
    private final String guardName;
    private final Tags tags;
    private final Map<MeterRegistry, Set<String>> kindsBound = new ConcurrentHashMap<>();
    private final AtomicBoolean listening = new AtomicBoolean();

    /** Meters tagged {@code guard=<name>}. */
    public GuardMetrics(ResourceGuard guard) {
        this(guard, Tags.empty());
    }

    /** Meters tagged {@code guard=<name>} and {@code extraTags}. */
    public GuardMetrics(ResourceGuard guard, Iterable<Tag> extraTags) {
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(extraTags, "extraTags");
        this.stats = Objects.requireNonNull(guard.stats(), "guard.stats()");
        this.guardName = guard.config().name();
        this.tags = Tags.concat(extraTags, "guard", guardName);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Set<String> kinds = ConcurrentHashMap.newKeySet();
        if (kindsBound.putIfAbsent(registry, kinds) != null) {
            return;
        }
        // The registry is listed and the listener in place before the kinds are read, so a kind that
        // appears meanwhile is seen at least once; the per-registry set makes it exactly once (Micrometer
        // warns when a function meter is registered twice).
        if (listening.compareAndSet(false, true)) {
            stats.onNewKind(this::onNewKind);
        }
        bindGuardMeters(registry);
        for (String kind : stats.kinds()) {
            if (kinds.add(kind)) {
                bindKind(registry, kind);
            }
        }
    }

    private void onNewKind(String kind) {
        kindsBound.forEach((registry, kinds) -> {
            if (kinds.add(kind)) {
                try {
                    bindKind(registry, kind);
                } catch (RuntimeException e) {
                    log.warn("[{}] could not register meters for kind '{}'", guardName, kind, e);
                }
            }
        });
    }

    private void bindGuardMeters(MeterRegistry r) {
        counter(r, "guard.handles.opened", "Handles opened since the guard started", tags, GuardStats::opened);
        counter(
                r,
                "guard.deadline.exceeded",
                "Deadlines that passed with the handle still open; its cancel actions ran",
                tags,
                GuardStats::deadlinesExceeded);
        counter(
                r,
                "guard.force.closed",
                "Handles still running after the grace period whose children were force-closed",
                tags,
                GuardStats::forceClosed);
        counter(
                r,
                "guard.stuck",
                "Threads declared stuck since the guard started (they ignored cancel and forced close)",
                tags,
                GuardStats::stuckTotal);
        gauge(r, "guard.stuck.threads", "Threads declared stuck now", tags, GuardStats::stuckNow);
        counter(
                r,
                "guard.leaks",
                "Handles reported as held past the leak threshold (suspected) or closed as abandoned (leaked)",
                tags.and("type", "suspected"),
                GuardStats::leaksSuspected);
        counter(
                r,
                "guard.leaks",
                "Handles reported as held past the leak threshold (suspected) or closed as abandoned (leaked)",
                tags.and("type", "leaked"),
                GuardStats::leaked);
        for (String level : new String[] {"manual", "HIGH", "CRITICAL"}) {
            counter(
                    r,
                    "guard.sweeps",
                    "Sweeps run, by the memory level (or manual) that started them",
                    tags.and("level", level.toLowerCase(Locale.ROOT)),
                    s -> s.sweeps(level));
        }
        Gauge.builder("guard.memory.used", stats, GuardStats::heapUsedAfterGc)
                .strongReference(true)
                .description("Heap in use after the last garbage collection")
                .baseUnit("bytes")
                .tags(tags.and("budget", "heap"))
                .register(r);
        Gauge.builder("guard.memory.limit", stats, GuardStats::heapMax)
                .strongReference(true)
                .description("The memory limit of a budget")
                .baseUnit("bytes")
                .tags(tags.and("budget", "heap"))
                .register(r);
        if (stats.processMemoryLimit() > 0) {
            Gauge.builder("guard.memory.used", stats, GuardStats::processMemoryUsed)
                    .strongReference(true)
                    .description("Resident size of the process and its child processes")
                    .baseUnit("bytes")
                    .tags(tags.and("budget", "process"))
                    .register(r);
            Gauge.builder("guard.memory.limit", stats, GuardStats::processMemoryLimit)
                    .strongReference(true)
                    .description("The memory limit of a budget")
                    .baseUnit("bytes")
                    .tags(tags.and("budget", "process"))
                    .register(r);
        }
        gauge(r, "guard.memory.level", "Memory pressure level: 0 normal, 1 high, 2 critical", tags, s -> s.memoryLevel()
                .ordinal());
        counter(
                r,
                "guard.quota.timeouts",
                "Handle openings that failed because the kind's quota stayed full for the acquire timeout",
                tags,
                GuardStats::quotaTimeouts);
        counter(r, "guard.action.failures", "Cancel or close actions that threw", tags, GuardStats::actionFailures);
        counter(
                r,
                "guard.actions.hung",
                "Cancel or close actions that ran past the action timeout",
                tags,
                GuardStats::actionsHung);
    }

    private void bindKind(MeterRegistry r, String kind) {
        Tags kindTags = tags.and("kind", kind);
        gauge(
                r,
                "guard.handles.open",
                "Open handles of a kind, including those being cancelled",
                kindTags,
                s -> s.open(kind));
        for (CloseCause cause : CloseCause.values()) {
            counter(
                    r,
                    "guard.handles.closed",
                    "Handles of a kind closed since the guard started, by why they were closed",
                    kindTags.and("cause", cause.name().toLowerCase(Locale.ROOT)),
                    s -> s.closed(kind, cause));
        }
        counter(
                r,
                "guard.swept",
                "Handles of a kind closed by sweeps",
                kindTags,
                s -> s.closed(kind, CloseCause.SWEPT));
        if (stats.quotaLimit(kind) >= 0) {
            gauge(r, "guard.quota.limit", "The most handles of a kind open at once", kindTags, s -> s.quotaLimit(kind));
            gauge(r, "guard.quota.waiting", "Threads waiting for a kind's quota", kindTags, s -> s.quotaWaiting(kind));
        }
    }

    private void gauge(
            MeterRegistry r, String name, String description, Tags meterTags, ToDoubleFunction<GuardStats> f) {
        Gauge.builder(name, stats, f)
                .strongReference(true)
                .description(description)
                .tags(meterTags)
                .register(r);
    }

    private void counter(
            MeterRegistry r, String name, String description, Tags meterTags, ToDoubleFunction<GuardStats> f) {
        GuardStats s = stats;
        // A FunctionCounter keeps only a weak reference to its object but a strong one to its function;
        // capturing the stats in the function keeps them reachable for as long as the meter is.
        FunctionCounter.builder(name, s, ignored -> f.applyAsDouble(s))
                .description(description)
                .tags(meterTags)
                .register(r);
    }
}
