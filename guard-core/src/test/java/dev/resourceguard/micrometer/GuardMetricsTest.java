package dev.resourceguard.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardStats;
import dev.resourceguard.ResourceGuard;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GuardMetricsTest {

    private static final int GUARD_METERS = 16;
    private static final int KIND_METERS = 2 + CloseCause.values().length;
    private static final int QUOTA_METERS = 2;

    private final FakeStats stats = new FakeStats();
    private final ResourceGuard guard = fakeGuard("crawler", stats);

    @Test
    void everyMeterIsRegisteredWithDescriptionAndTags() {
        stats.kind("browser", 2);
        stats.kind("connection", -1);
        MeterRegistry registry = new SimpleMeterRegistry();

        new GuardMetrics(guard, Tags.of("app", "agents")).bindTo(registry);

        assertEquals(GUARD_METERS + 2 * KIND_METERS + QUOTA_METERS, meters(registry), names(registry));
        for (Meter m : registry.getMeters()) {
            String description = m.getId().getDescription();
            assertTrue(description != null && !description.isBlank(), m.getId().toString());
            assertEquals("crawler", m.getId().getTag("guard"), m.getId().toString());
            assertEquals("agents", m.getId().getTag("app"), m.getId().toString());
            if (m.getId().getName().startsWith("guard.memory.")
                    && !m.getId().getName().endsWith(".level")) {
                assertEquals("bytes", m.getId().getBaseUnit(), m.getId().toString());
            } else {
                assertNull(m.getId().getBaseUnit(), "counts have no unit: " + m.getId());
            }
        }
        for (String name : List.of(
                "guard.handles.opened",
                "guard.deadline.exceeded",
                "guard.force.closed",
                "guard.stuck",
                "guard.quota.timeouts",
                "guard.action.failures",
                "guard.actions.hung")) {
            assertNotNull(registry.find(name).functionCounter(), name);
        }
        assertNotNull(registry.find("guard.stuck.threads").gauge());
        assertNotNull(registry.find("guard.leaks").tag("type", "suspected").functionCounter());
        assertNotNull(registry.find("guard.leaks").tag("type", "leaked").functionCounter());
        for (String kind : List.of("browser", "connection")) {
            assertNotNull(registry.find("guard.handles.open").tag("kind", kind).gauge(), kind);
            for (CloseCause cause : CloseCause.values()) {
                String tag = cause.name().toLowerCase(Locale.ROOT);
                assertNotNull(closed(registry, kind, tag), kind + " " + tag);
            }
        }
        assertNotNull(registry.find("guard.quota.limit").tag("kind", "browser").gauge());
        assertNotNull(
                registry.find("guard.quota.waiting").tag("kind", "browser").gauge());
        assertNull(registry.find("guard.quota.limit").tag("kind", "connection").gauge(), "no quota, no gauge");
        assertNull(
                registry.find("guard.quota.waiting").tag("kind", "connection").gauge());
    }

    @Test
    void metersReadTheStatsLive() {
        stats.kind("browser", 2);
        MeterRegistry registry = new SimpleMeterRegistry();
        new GuardMetrics(guard).bindTo(registry);

        assertEquals(0, counter(registry, "guard.handles.opened"));
        stats.opened = 11;
        stats.deadlinesExceeded = 12;
        stats.forceClosed = 13;
        stats.stuckTotal = 14;
        stats.stuckNow = 15;
        stats.leaksSuspected = 16;
        stats.leaked = 17;
        stats.swept = 18;
        stats.sweeps = 19;
        stats.quotaTimeouts = 20;
        stats.actionFailures = 21;
        stats.actionsHung = 22;
        stats.open.put("browser", 2L);
        stats.closed.put("browser/" + CloseCause.TIMED_OUT, 3L);
        stats.closed.put("browser/" + CloseCause.COMPLETED, 4L);
        stats.waiting.put("browser", 5);

        assertEquals(11, counter(registry, "guard.handles.opened"));
        assertEquals(12, counter(registry, "guard.deadline.exceeded"));
        assertEquals(13, counter(registry, "guard.force.closed"));
        assertEquals(14, counter(registry, "guard.stuck"));
        assertEquals(15, registry.get("guard.stuck.threads").gauge().value());
        assertEquals(16, leaks(registry, "suspected"));
        assertEquals(17, leaks(registry, "leaked"));
        assertEquals(
                19,
                registry.get("guard.sweeps")
                        .tag("level", "critical")
                        .functionCounter()
                        .count());
        assertEquals(
                0,
                registry.get("guard.sweeps")
                        .tag("level", "manual")
                        .functionCounter()
                        .count());
        assertEquals(
                stats.closed("browser", CloseCause.SWEPT),
                registry.get("guard.swept")
                        .tag("kind", "browser")
                        .functionCounter()
                        .count());
        assertEquals(
                700,
                registry.get("guard.memory.used").tag("budget", "heap").gauge().value());
        assertEquals(
                1000,
                registry.get("guard.memory.limit").tag("budget", "heap").gauge().value());
        assertEquals(2, registry.get("guard.memory.level").gauge().value());
        assertEquals(20, counter(registry, "guard.quota.timeouts"));
        assertEquals(21, counter(registry, "guard.action.failures"));
        assertEquals(22, counter(registry, "guard.actions.hung"));
        assertEquals(2, gauge(registry, "guard.handles.open", "browser"));
        assertEquals(3, closed(registry, "browser", "timed_out").count());
        assertEquals(4, closed(registry, "browser", "completed").count());
        assertEquals(0, closed(registry, "browser", "leaked").count());
        assertEquals(2, gauge(registry, "guard.quota.limit", "browser"));
        assertEquals(5, gauge(registry, "guard.quota.waiting", "browser"));

        stats.open.put("browser", 1L);
        stats.waiting.put("browser", 0);
        assertEquals(1, gauge(registry, "guard.handles.open", "browser"));
        assertEquals(0, gauge(registry, "guard.quota.waiting", "browser"));
    }

    @Test
    void kindSeenAfterBindingGetsItsMeters() {
        stats.kind("task", -1);
        MeterRegistry registry = new SimpleMeterRegistry();
        new GuardMetrics(guard).bindTo(registry);
        assertNull(registry.find("guard.handles.open").tag("kind", "page").gauge());

        stats.kind("page", 4);
        stats.open.put("page", 3L);
        stats.closed.put("page/" + CloseCause.SWEPT, 7L);

        assertEquals(GUARD_METERS + 2 * KIND_METERS + QUOTA_METERS, meters(registry), names(registry));
        assertEquals(3, gauge(registry, "guard.handles.open", "page"));
        assertEquals(7, closed(registry, "page", "swept").count());
        assertEquals(4, gauge(registry, "guard.quota.limit", "page"));
        assertEquals(1, stats.listeners.size(), "one listener per binder, however many registries");
    }

    @Test
    void bindsToMoreThanOneRegistry() {
        stats.kind("browser", 2);
        MeterRegistry first = new SimpleMeterRegistry();
        MeterRegistry second = new SimpleMeterRegistry();
        GuardMetrics metrics = new GuardMetrics(guard);
        metrics.bindTo(first);
        metrics.bindTo(second);
        metrics.bindTo(second);

        stats.kind("connection", 20);
        stats.opened = 9;
        stats.open.put("connection", 6L);

        assertEquals(1, stats.listeners.size());
        for (MeterRegistry registry : List.of(first, second)) {
            assertEquals(
                    GUARD_METERS + 2 * (KIND_METERS + QUOTA_METERS),
                    registry.getMeters().size());
            assertEquals(9, counter(registry, "guard.handles.opened"));
            assertEquals(6, gauge(registry, "guard.handles.open", "connection"));
            assertEquals(20, gauge(registry, "guard.quota.limit", "connection"));
        }
    }

    @Test
    void metersKeepTheStatsReachable() {
        MeterRegistry registry = new SimpleMeterRegistry();
        bindUnreferencedGuard(registry);

        for (int i = 0; i < 3; i++) {
            System.gc();
        }

        // With only a weak reference, a collected object reads as NaN (gauge) or the last value read,
        // never read here, so 0 (function counter).
        assertEquals(42, counter(registry, "guard.handles.opened"));
        assertEquals(7, registry.get("guard.stuck.threads").gauge().value());
        assertEquals(5, gauge(registry, "guard.handles.open", "browser"));
    }

    private static void bindUnreferencedGuard(MeterRegistry registry) {
        FakeStats s = new FakeStats();
        s.kind("browser", -1);
        s.opened = 42;
        s.stuckNow = 7;
        s.open.put("browser", 5L);
        new GuardMetrics(fakeGuard("lost", s)).bindTo(registry);
    }

    @Test
    void guardTagNamesTheGuardEvenIfAnExtraTagSaysOtherwise() {
        MeterRegistry registry = new SimpleMeterRegistry();
        new GuardMetrics(guard, Tags.of("guard", "other")).bindTo(registry);

        assertEquals(
                "crawler",
                registry.get("guard.handles.opened").functionCounter().getId().getTag("guard"));
    }

    private static double gauge(MeterRegistry registry, String name, String kind) {
        return registry.get(name).tag("kind", kind).gauge().value();
    }

    private static double leaks(MeterRegistry registry, String type) {
        return registry.get("guard.leaks").tag("type", type).functionCounter().count();
    }

    private static double counter(MeterRegistry registry, String name) {
        return registry.get(name).functionCounter().count();
    }

    private static FunctionCounter closed(MeterRegistry registry, String kind, String cause) {
        return registry.find("guard.handles.closed")
                .tag("kind", kind)
                .tag("cause", cause)
                .functionCounter();
    }

    private static int meters(MeterRegistry registry) {
        return registry.getMeters().size();
    }

    private static String names(MeterRegistry registry) {
        StringBuilder b = new StringBuilder();
        for (Meter m : registry.getMeters()) {
            b.append(m.getId()).append('\n');
        }
        return b.toString();
    }

    /** Live values the test sets; fields are volatile because meters read them from any thread. */
    static final class FakeStats implements GuardStats {
        final Set<String> kinds = ConcurrentHashMap.newKeySet();
        final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
        final Map<String, Long> open = new ConcurrentHashMap<>();
        final Map<String, Long> closed = new ConcurrentHashMap<>();
        final Map<String, Integer> limits = new ConcurrentHashMap<>();
        final Map<String, Integer> waiting = new ConcurrentHashMap<>();
        volatile long opened;
        volatile long deadlinesExceeded;
        volatile long forceClosed;
        volatile long stuckTotal;
        volatile long stuckNow;
        volatile long leaksSuspected;
        volatile long leaked;
        volatile long swept;
        volatile long sweeps;
        volatile long quotaTimeouts;
        volatile long actionFailures;
        volatile long actionsHung;

        /** Makes a kind known ({@code limit < 0}: no quota), telling the listeners as the guard does. */
        void kind(String kind, int limit) {
            limits.put(kind, limit);
            if (kinds.add(kind)) {
                listeners.forEach(l -> l.accept(kind));
            }
        }

        @Override
        public Set<String> kinds() {
            return Set.copyOf(kinds);
        }

        @Override
        public void onNewKind(Consumer<String> listener) {
            listeners.add(listener);
        }

        @Override
        public long open(String kind) {
            return open.getOrDefault(kind, 0L);
        }

        @Override
        public long closed(String kind, CloseCause cause) {
            return closed.getOrDefault(kind + "/" + cause, 0L);
        }

        @Override
        public long opened() {
            return opened;
        }

        @Override
        public long deadlinesExceeded() {
            return deadlinesExceeded;
        }

        @Override
        public long forceClosed() {
            return forceClosed;
        }

        @Override
        public long stuckTotal() {
            return stuckTotal;
        }

        @Override
        public long stuckNow() {
            return stuckNow;
        }

        @Override
        public long leaksSuspected() {
            return leaksSuspected;
        }

        @Override
        public long leaked() {
            return leaked;
        }

        @Override
        public long swept() {
            return swept;
        }

        @Override
        public long sweeps() {
            return sweeps;
        }

        @Override
        public long sweeps(String reason) {
            return reason.equals("CRITICAL") ? sweeps : 0;
        }

        @Override
        public dev.resourceguard.MemoryLevel memoryLevel() {
            return dev.resourceguard.MemoryLevel.CRITICAL;
        }

        @Override
        public long heapUsedAfterGc() {
            return 700;
        }

        @Override
        public long heapMax() {
            return 1000;
        }

        @Override
        public long processMemoryUsed() {
            return -1;
        }

        @Override
        public long processMemoryLimit() {
            return -1;
        }

        @Override
        public long quotaTimeouts() {
            return quotaTimeouts;
        }

        @Override
        public long actionFailures() {
            return actionFailures;
        }

        @Override
        public long actionsHung() {
            return actionsHung;
        }

        @Override
        public int quotaLimit(String kind) {
            return limits.getOrDefault(kind, -1);
        }

        @Override
        public int quotaWaiting(String kind) {
            return waiting.getOrDefault(kind, 0);
        }
    }

    /**
     * A guard that answers only {@code config()} and {@code stats()}, all {@link GuardMetrics} may use; a
     * proxy, so it keeps compiling as {@link ResourceGuard} grows.
     */
    static ResourceGuard fakeGuard(String name, GuardStats stats) {
        GuardConfig config = GuardConfig.builder().name(name).build();
        InvocationHandler answers = (proxy, method, args) -> switch (method.getName()) {
            case "config" -> config;
            case "stats" -> stats;
            case "toString" -> "FakeGuard[" + name + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
        };
        return (ResourceGuard) Proxy.newProxyInstance(
                ResourceGuard.class.getClassLoader(), new Class<?>[] {ResourceGuard.class}, answers);
    }
}
