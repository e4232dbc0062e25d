package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.Workload.Kind;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed problem: four workers, 400 tasks, a few of which never return. Unguarded, the pool stalls for
 * good; guarded, every normal task completes, every hanging one times out, and the pool keeps its four
 * workers although eight of its threads spin forever.
 */
class WorkerExhaustionTest {

    static final int WORKERS = 4;
    static final int TASKS = 400;
    static final Duration TASK_TIMEOUT = Duration.ofMillis(200);
    /** The guarded run must end within this (it takes about 2-3 s); the unguarded one is given as long. */
    static final Duration BOUND = Duration.ofSeconds(10);

    final Map<String, CloseCause> closed = new ConcurrentHashMap<>();
    final List<GuardEvent> stuckEvents = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(b -> b.forceCloseGrace(Duration.ofMillis(100))
            .stuckGrace(Duration.ofMillis(300))
            .listener(new GuardListener() {
                @Override
                public void onEvent(GuardEvent e) {
                    if (e.type() == GuardEvent.Type.STUCK) {
                        stuckEvents.add(e);
                    }
                }

                @Override
                public void onClose(HandleView handle, CloseCause cause) {
                    closed.put(handle.kind() + ":" + handle.name(), cause);
                }
            }));

    @Test
    void guardedPoolSurvivesHangingTasks(ResourceGuard guard) throws Exception {
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newFixedThreadPool(WORKERS);
        GuardedExecutorService pool = GuardedExecutors.wrap(
                raw,
                guard,
                ExecutorOptions.builder()
                        .name("exhaustion")
                        .taskTimeout(TASK_TIMEOUT)
                        .maxExtraThreads(16)
                        .build());
        try (Workload work = new Workload(TASKS, guard)) {
            try {
                long start = System.nanoTime();
                List<Future<String>> futures = new ArrayList<>();
                for (int i = 0; i < TASKS; i++) {
                    futures.add(pool.submit(Workload.name(work.kinds.get(i), i), null, work.task(i)));
                }
                int normal = 0;
                int timedOut = 0;
                for (int i = 0; i < TASKS; i++) {
                    Kind k = work.kinds.get(i);
                    long left = BOUND.toNanos() - (System.nanoTime() - start);
                    try {
                        String v = futures.get(i).get(left, TimeUnit.NANOSECONDS);
                        assertEquals(Kind.NORMAL, k, "task " + i + " returned " + v);
                        assertEquals("ok-" + i, v);
                        normal++;
                    } catch (ExecutionException e) {
                        assertTrue(k.hangs(), "normal task " + i + " failed: " + e);
                        DeadlineExceededException d = assertInstanceOf(DeadlineExceededException.class, e.getCause());
                        assertTrue(
                                d.getMessage().contains("'" + Workload.name(k, i) + "'")
                                        && d.getMessage().contains("deadline of 200 ms")
                                        && d.getMessage().contains("ran "),
                                d.getMessage());
                        timedOut++;
                    } catch (TimeoutException e) {
                        fail("task " + i + " (" + k + ") did not finish within " + BOUND + ": " + pool.stats());
                    }
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf("guarded run: %d normal, %d timed out in %d ms%n", normal, timedOut, took.toMillis());
                assertEquals(work.count(Kind.NORMAL), normal);
                assertEquals(TASKS - work.count(Kind.NORMAL), timedOut);
                assertTrue(took.compareTo(BOUND) < 0, "took " + took);

                // Sleepers and readers were freed (interrupt; socket closed through the child handle).
                Awaits.await().untilAsserted(() -> {
                    for (int i = 0; i < TASKS; i++) {
                        Kind k = work.kinds.get(i);
                        if (k == Kind.SLEEPER || k == Kind.READER) {
                            assertEquals(CloseCause.TIMED_OUT, closed.get("task:" + Workload.name(k, i)), "task " + i);
                        }
                    }
                });
                assertEquals(work.count(Kind.READER), work.sockets.size());
                for (Socket s : work.sockets) {
                    assertTrue(s.isClosed(), "socket left open: " + s);
                }
                assertEquals(
                        work.count(Kind.READER),
                        closed.entrySet().stream()
                                .filter(e -> e.getKey().startsWith("socket:") && e.getValue() == CloseCause.TIMED_OUT)
                                .count());

                // Spinners: stuck, with a stack naming the spinning method; each replaced by a thread.
                // (On a badly overloaded machine a sleeper may miss the grace periods too and be declared
                // stuck for a moment; it then returns and its thread is withdrawn. Only spinners stay stuck.)
                int spinners = (int) work.count(Kind.SPINNER);
                List<GuardEvent> spinning = new ArrayList<>();
                Awaits.await().until(() -> {
                    spinning.clear();
                    stuckEvents.stream()
                            .filter(e -> e.name().orElseThrow().startsWith("spinner-"))
                            .forEach(spinning::add);
                    return spinning.size() == spinners
                            && pool.stats().stuckNow() == spinners
                            && pool.stats().compensationThreads() == spinners;
                });
                for (GuardEvent e : spinning) {
                    assertTrue(
                            Arrays.stream(e.stack())
                                    .anyMatch(f -> f.getMethodName().equals("spinIgnoringInterrupts")),
                            () -> "stack without the spinning method: " + Arrays.toString(e.stack()));
                }
                List<HandleView> stuck = guard.openHandles().stream()
                        .filter(h -> h.kind().equals("task"))
                        .toList();
                assertEquals(spinners, stuck.size(), stuck.toString());
                for (HandleView h : stuck) {
                    assertTrue(h.isStuck() && h.state() == HandleState.CANCELLING, h.describe());
                    assertEquals(CloseCause.TIMED_OUT, h.closeCause().orElseThrow());
                }
                assertEquals(WORKERS + spinners, raw.getCorePoolSize());
                assertTrue(pool.stats().stuck() >= spinners);

                // The pool still has four usable workers: four tasks that wait for each other all run.
                CountDownLatch together = new CountDownLatch(WORKERS);
                List<Future<Boolean>> probes = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    probes.add(pool.submit(() -> {
                        together.countDown();
                        return together.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    }));
                }
                for (Future<Boolean> p : probes) {
                    assertTrue(p.get(BOUND.toMillis(), TimeUnit.MILLISECONDS), "fewer than four usable workers");
                }

                // When the spinners return, their handles close TIMED_OUT and the extra threads go.
                work.releaseSpinners();
                Awaits.await()
                        .until(() -> pool.stats().compensationThreads() == 0
                                && pool.stats().stuckNow() == 0);
                assertEquals(WORKERS, raw.getCorePoolSize());
                assertEquals(WORKERS, raw.getMaximumPoolSize());
                Awaits.await()
                        .until(() -> closed.entrySet().stream()
                                        .filter(e -> e.getKey().startsWith("task:spinner-")
                                                && e.getValue() == CloseCause.TIMED_OUT)
                                        .count()
                                == spinners);
                ExecutorStats s = pool.stats();
                assertEquals(TASKS + WORKERS, s.submitted());
                assertEquals(work.count(Kind.NORMAL) + WORKERS, s.completed());
                assertEquals(TASKS - work.count(Kind.NORMAL), s.timedOut());
                assertEquals(0, s.failed());
            } finally {
                work.releaseSpinners();
                pool.shutdownNow();
            }
        }
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** The same workload on the same pool, unwrapped: it never finishes. Proves the guard is what saves it. */
    @Test
    @Tag("baseline")
    void unguardedPoolStalls() throws Exception {
        ThreadPoolExecutor raw = new ThreadPoolExecutor(
                WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "unguarded-worker");
                    t.setDaemon(true);
                    return t;
                });
        CountDownLatch finished = new CountDownLatch(TASKS);
        try (Workload work = new Workload(TASKS, null)) {
            try {
                for (int i = 0; i < TASKS; i++) {
                    var body = work.task(i);
                    raw.execute(() -> {
                        try {
                            body.call();
                        } catch (Exception ignored) {
                            // freed at clean-up
                        } finally {
                            finished.countDown();
                        }
                    });
                }
                assertFalse(
                        finished.await(BOUND.toMillis(), TimeUnit.MILLISECONDS),
                        "the unguarded pool finished all tasks: the workload does not hang");
                long done = TASKS - finished.getCount();
                System.out.printf(
                        "unguarded run: after %d s, %d of %d tasks finished; %d workers in hanging tasks, %d queued%n",
                        BOUND.toSeconds(),
                        done,
                        TASKS,
                        work.hangingNow.get(),
                        raw.getQueue().size());
                assertEquals(WORKERS, work.hangingNow.get(), "every worker is held by a hanging task");
                assertTrue(raw.getQueue().size() > 0);
            } finally {
                work.releaseSpinners();
                raw.shutdownNow(); // interrupts the sleepers; closing the workload closes the sockets
            }
        }
        assertTrue(raw.awaitTermination(10, TimeUnit.SECONDS), "unguarded workers left running");
    }
}
