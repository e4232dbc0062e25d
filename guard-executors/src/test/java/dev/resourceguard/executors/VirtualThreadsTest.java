package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.Workload.Kind;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wrapper over {@code Executors.newVirtualThreadPerTaskExecutor()} (JDK 21+; the build runs this module's
 * tests a second time on JDK 25 when it is installed). Called reflectively: the code compiles for release 17.
 */
class VirtualThreadsTest {

    final Map<String, CloseCause> closed = new ConcurrentHashMap<>();
    final List<GuardEvent> stuck = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(b -> b.forceCloseGrace(Duration.ofMillis(100))
            .stuckGrace(Duration.ofMillis(300))
            .listener(new GuardListener() {
                @Override
                public void onEvent(GuardEvent e) {
                    if (e.type() == GuardEvent.Type.STUCK) {
                        stuck.add(e);
                    }
                }

                @Override
                public void onClose(HandleView handle, CloseCause cause) {
                    closed.put(handle.kind() + ":" + handle.name(), cause);
                }
            }));

    static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
        return (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    static boolean isVirtual(Thread t) throws ReflectiveOperationException {
        return (boolean) Thread.class.getMethod("isVirtual").invoke(t);
    }

    @Test
    void hangingTasksOnVirtualThreadsTimeOutAndSpinnersAreReported(ResourceGuard guard) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+; running on " + Runtime.version());
        GuardedExecutorService pool = GuardedExecutors.wrap(
                virtualThreadPerTask(),
                guard,
                ExecutorOptions.builder()
                        .name("virtual")
                        .taskTimeout(Duration.ofMillis(500))
                        .build());
        assertEquals(0, pool.stats().compensationLimit()); // nothing to resize: every task has its own thread
        try (Workload work = new Workload(50, guard)) {
            try {
                assertTrue(pool.submit(() -> isVirtual(Thread.currentThread())).get(10, TimeUnit.SECONDS));
                List<Future<String>> futures = new ArrayList<>();
                for (int i = 0; i < work.kinds.size(); i++) {
                    futures.add(pool.submit(Workload.name(work.kinds.get(i), i), null, work.task(i)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    Kind k = work.kinds.get(i);
                    if (k == Kind.NORMAL) {
                        assertEquals("ok-" + i, futures.get(i).get(10, TimeUnit.SECONDS));
                    } else {
                        Future<String> f = futures.get(i);
                        ExecutionException e =
                                assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                        assertInstanceOf(DeadlineExceededException.class, e.getCause());
                    }
                }
                Awaits.await().untilAsserted(() -> {
                    for (int i = 0; i < work.kinds.size(); i++) {
                        Kind k = work.kinds.get(i);
                        if (k == Kind.SLEEPER || k == Kind.READER) {
                            assertEquals(CloseCause.TIMED_OUT, closed.get("task:" + Workload.name(k, i)));
                        }
                    }
                });
                int spinners = (int) work.count(Kind.SPINNER);
                Awaits.await().until(() -> pool.stats().stuckNow() == spinners);
                assertEquals(0, pool.stats().compensationThreads());
                // (an overloaded machine may declare a slow sleeper stuck for a moment too: only spinners stay stuck)
                List<GuardEvent> spinning = stuck.stream()
                        .filter(e -> e.name().orElseThrow().startsWith("spinner-"))
                        .toList();
                assertEquals(spinners, spinning.size());
                for (GuardEvent e : spinning) {
                    assertTrue(
                            Arrays.stream(e.stack())
                                    .anyMatch(f -> f.getMethodName().equals("spinIgnoringInterrupts")),
                            () -> Arrays.toString(e.stack()));
                }
                work.releaseSpinners();
                Awaits.await().until(() -> pool.stats().stuckNow() == 0);
            } finally {
                work.releaseSpinners();
                pool.shutdownNow();
            }
        }
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }
}
