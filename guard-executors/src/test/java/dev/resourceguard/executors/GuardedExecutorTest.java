package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardClosedException;
import dev.resourceguard.GuardListener;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.FakeTicker;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GuardedExecutorTest {

    final Map<String, CloseCause> closed = new ConcurrentHashMap<>();

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(b -> b.forceCloseGrace(Duration.ofMillis(100))
            .stuckGrace(Duration.ofMillis(100))
            .logTaskPerformance(true)
            .listener(new GuardListener() {
                @Override
                public void onClose(HandleView handle, CloseCause cause) {
                    closed.put(handle.kind() + ":" + handle.name(), cause);
                }
            }));

    GuardedExecutorService pool;

    GuardedExecutorService pool(ResourceGuard guard, ExecutorOptions options) {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(2), guard, options);
        return pool;
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void submitReturnsTheValueAndClosesTheHandleBeforeGetReturns(ResourceGuard guard) throws Exception {
        GuardedExecutorService p =
                pool(guard, ExecutorOptions.builder().name("workers").build());
        assertEquals(42, p.submit(() -> 42).get());
        // Closed before the future completed: nothing is open when get() returns.
        assertTrue(guard.openHandles().isEmpty(), guard.openHandles().toString());
        assertEquals(CloseCause.COMPLETED, closed.get("task:workers"));
        assertEquals("hello", p.submit(() -> {}, "hello").get());
        assertNull(p.submit(() -> {}).get());
        ExecutorStats s = p.stats();
        assertEquals(3, s.submitted());
        assertEquals(3, s.started());
        assertEquals(3, s.completed());
        assertTrue(s.queueWaitNanos() >= 0);
        assertEquals("workers", p.name());
        assertEquals(guard.config().maxTaskDuration(), p.taskTimeout());
    }

    @Test
    void taskNamesReachTheHandleAndItsLogLine(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, ExecutorOptions.defaults());
        AtomicReference<String> owner = new AtomicReference<>();
        p.submit("summarise-7", Duration.ofSeconds(5), () -> {
                    owner.set(guard.currentOwner().map(HandleView::describe).orElse("none"));
                    return null;
                })
                .get();
        assertTrue(owner.get().startsWith("task 'summarise-7' #"), owner.get());
        Awaits.await().until(() -> closed.get("task:summarise-7") == CloseCause.COMPLETED);
        assertTrue(p.name().startsWith("executor-"), p.name());
    }

    @Test
    void aFailureIsReportedAsIs(ResourceGuard guard) throws Exception {
        GuardedExecutorService p =
                pool(guard, ExecutorOptions.builder().name("w").build());
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Object> f = p.submit(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(boom, e.getCause());
        assertEquals(CloseCause.FAILED, closed.get("task:w"));
        assertEquals(1, p.stats().failed());
    }

    @Test
    void theDeadlineReleasesGetWithDeadlineExceeded(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, ExecutorOptions.defaults());
        CountDownLatch interrupted = new CountDownLatch(1);
        long start = System.nanoTime();
        Future<String> f = p.submit("slow-call", Duration.ofMillis(100), () -> {
            try {
                Thread.sleep(60_000);
                return "late";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        DeadlineExceededException d = assertInstanceOf(DeadlineExceededException.class, e.getCause());
        assertTrue(
                d.getMessage().matches("task 'slow-call' #\\d+ exceeded its deadline of 100 ms \\(ran \\d+ ms\\)"),
                d.getMessage());
        assertTrue(tookMs >= 100 && tookMs < 5_000, "released after " + tookMs + " ms");
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the worker was not interrupted");
        Awaits.await().until(() -> closed.get("task:slow-call") == CloseCause.TIMED_OUT);
        assertEquals(1, p.stats().timedOut());
        assertEquals(0, p.stats().failed());
        // The guard's interrupt does not leak into the worker's next task.
        assertFalse(p.submit(() -> Thread.currentThread().isInterrupted()).get());
        assertFalse(p.submit(() -> Thread.currentThread().isInterrupted()).get());
    }

    @Test
    void deadlinesRunOnTheGuardsTicker() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ResourceGuard guard = guards.newGuard(b -> b.ticker(ticker));
        GuardedExecutorService p = pool(
                guard,
                ExecutorOptions.builder().taskTimeout(Duration.ofSeconds(30)).build());
        CountDownLatch running = new CountDownLatch(1);
        Future<Object> f = p.submit(() -> {
            running.countDown();
            new CountDownLatch(1).await();
            return null;
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> f.get(50, TimeUnit.MILLISECONDS));
        ticker.advance(Duration.ofSeconds(31));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(
                e.getCause().getMessage().contains("deadline of 30000 ms (ran 31000 ms)"),
                e.getCause().getMessage());
    }

    @Test
    void cancelTrueCancelsTheHandleAndItsChildren(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, ExecutorOptions.defaults());
        CountDownLatch childCancelled = new CountDownLatch(1);
        CountDownLatch opened = new CountDownLatch(1);
        AtomicReference<Handle<Object>> child = new AtomicReference<>();
        HandleSpec<Object> spec = HandleSpec.builder("client")
                .onCancel(r -> childCancelled.countDown())
                .build();
        Future<Object> f = p.submit("with-child", null, () -> {
            try (Handle<Object> h = guard.track(new Object(), spec)) {
                child.set(h);
                opened.countDown();
                Thread.sleep(60_000);
            }
            return null;
        });
        assertTrue(opened.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled() && f.isDone());
        assertThrows(CancellationException.class, f::get);
        assertTrue(childCancelled.await(10, TimeUnit.SECONDS), "the child was not cancelled");
        Awaits.await().until(() -> child.get().state() == HandleState.CLOSED);
        assertEquals(CloseCause.CANCELLED, child.get().closeCause().orElseThrow());
        Awaits.await().until(() -> closed.get("task:with-child") == CloseCause.CANCELLED);
        assertEquals(1, p.stats().cancelled());
        assertFalse(f.cancel(true));
    }

    @Test
    void aTaskCancelledWhileQueuedNeverRuns(ResourceGuard guard) throws Exception {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> blocker = pool.submit(() -> {
            release.await();
            return null;
        });
        AtomicReference<String> ran = new AtomicReference<>();
        Future<?> queued = pool.submit(() -> ran.set("ran"));
        assertTrue(queued.cancel(true));
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        assertEquals("done", pool.submit(() -> "done").get(10, TimeUnit.SECONDS));
        assertNull(ran.get());
    }

    @Test
    void executeHandsAFailureBackToTheWorker(ResourceGuard guard) throws Exception {
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        CountDownLatch died = new CountDownLatch(1);
        ExecutorService raw = Executors.newFixedThreadPool(1, r -> {
            Thread t = new Thread(r);
            t.setUncaughtExceptionHandler((th, e) -> {
                uncaught.set(e);
                died.countDown();
            });
            return t;
        });
        pool = GuardedExecutors.wrap(
                raw, guard, ExecutorOptions.builder().name("fire").build());
        pool.execute("fire-and-forget", null, () -> {
            throw new IllegalArgumentException("bad row");
        });
        assertTrue(died.await(10, TimeUnit.SECONDS));
        assertEquals("bad row", uncaught.get().getMessage());
        Awaits.await().until(() -> closed.get("task:fire-and-forget") == CloseCause.FAILED);
        assertEquals(1, pool.stats().failed());
    }

    @Test
    void invokeAllAndInvokeAnyAreTracked(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(
                guard,
                ExecutorOptions.builder().taskTimeout(Duration.ofMillis(500)).build());
        Callable<String> hang = () -> {
            Thread.sleep(60_000);
            return "never";
        };
        List<Future<String>> all = p.invokeAll(List.of(() -> "a", hang, () -> "c"));
        assertEquals("a", all.get(0).get());
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> all.get(1).get());
        assertInstanceOf(DeadlineExceededException.class, e.getCause());
        assertEquals("c", all.get(2).get());

        assertEquals("fast", p.invokeAny(List.of(hang, () -> "fast")));
        ExecutionException none = assertThrows(
                ExecutionException.class,
                () -> p.invokeAny(List.of(
                        () -> {
                            throw new IllegalStateException("one");
                        },
                        hang)));
        assertTrue(
                none.getCause() instanceof IllegalStateException
                        || none.getCause() instanceof DeadlineExceededException,
                none.toString());
        Awaits.await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void timedInvokeAllAndInvokeAnyCancelWhatIsLeft(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, ExecutorOptions.defaults());
        Callable<String> hang = () -> {
            Thread.sleep(60_000);
            return "never";
        };
        List<Future<String>> timed = p.invokeAll(List.of(() -> "x", hang), 500, TimeUnit.MILLISECONDS);
        assertEquals("x", timed.get(0).get());
        assertTrue(timed.get(1).isCancelled());
        assertThrows(TimeoutException.class, () -> p.invokeAny(List.of(hang), 50, TimeUnit.MILLISECONDS));
        Awaits.await().until(() -> guard.openHandles().isEmpty());
        assertEquals(2, p.stats().cancelled());
    }

    @Test
    void aTaskThatStartsAfterTheGuardClosedDoesNotRun() throws Exception {
        ResourceGuard guard = guards.newGuard();
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        guard.close();
        AtomicReference<String> ran = new AtomicReference<>();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.submit(() -> ran.getAndSet("ran"))
                .get(10, TimeUnit.SECONDS));
        assertInstanceOf(GuardClosedException.class, e.getCause());
        assertNull(ran.get());
        assertThrows(GuardClosedException.class, () -> GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard));
    }

    @Test
    void aRejectedTaskIsCountedAndThrown(ResourceGuard guard) {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        pool.shutdown();
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> pool.submit(() -> 1));
        assertEquals(1, pool.stats().rejected());
        assertEquals(0, pool.stats().submitted());
    }
}
