package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.micrometer.GuardedExecutorMetrics;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    @Test
    void metersReadTheExecutorsCounters(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(
                Executors.newFixedThreadPool(2),
                guard,
                ExecutorOptions.builder().name("api").maxExtraThreads(3).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GuardedExecutorMetrics(pool, Tags.of("app", "crawler")).bindTo(registry);

        pool.submit(() -> "ok").get();
        assertThrows(ExecutionException.class, () -> pool.submit(() -> {
                    throw new IllegalStateException();
                })
                .get());
        assertThrows(ExecutionException.class, () -> pool.submit("slow", Duration.ofMillis(50), () -> {
                    Thread.sleep(60_000);
                    return null;
                })
                .get());

        Tags tags = Tags.of("app", "crawler", "guard", guard.config().name(), "executor", "api");
        assertEquals(3, counter(registry, "submitted", tags));
        assertEquals(1, counter(registry, "completed", tags));
        assertEquals(1, counter(registry, "failed", tags));
        assertEquals(1, counter(registry, "timed.out", tags));
        assertEquals(0, counter(registry, "cancelled", tags));
        assertEquals(0, counter(registry, "stuck", tags));
        assertEquals(0, counter(registry, "rejected", tags));
        FunctionTimer wait =
                registry.get("guard.executor.queue.wait").tags(tags).functionTimer();
        assertEquals(3, wait.count());
        assertTrue(wait.totalTime(TimeUnit.NANOSECONDS) >= 0);
        assertEquals(
                3,
                registry.get("guard.executor.compensation.threads.max")
                        .tags(tags)
                        .gauge()
                        .value());
        assertEquals(
                0,
                registry.get("guard.executor.compensation.threads")
                        .tags(tags)
                        .gauge()
                        .value());
        assertEquals(
                0,
                registry.get("guard.executor.tasks.stuck.active")
                        .tags(tags)
                        .gauge()
                        .value());
        for (Meter m : registry.getMeters()) {
            assertTrue(
                    m.getId().getName().startsWith("guard.executor."), m.getId().toString());
            assertTrue(
                    m.getId().getDescription() != null
                            && !m.getId().getDescription().isBlank(),
                    m.getId().toString());
        }
        assertEquals(
                "tasks",
                registry.get("guard.executor.tasks.completed")
                        .functionCounter()
                        .getId()
                        .getBaseUnit());
        assertEquals(11, registry.getMeters().size());
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    private static double counter(SimpleMeterRegistry r, String name, Tags tags) {
        FunctionCounter c = r.get("guard.executor.tasks." + name).tags(tags).functionCounter();
        return c.count();
    }
}
