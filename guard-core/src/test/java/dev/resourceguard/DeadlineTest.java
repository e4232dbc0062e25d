package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private final List<GuardEvent> events = new CopyOnWriteArrayList<>();
    private ResourceGuard guard;

    private ResourceGuard guard(GuardConfig.Builder b) {
        guard = ResourceGuard.create(b.listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent e) {
                        events.add(e);
                    }
                })
                .build());
        return guard;
    }

    @AfterEach
    void closeGuard() {
        if (guard != null) {
            guard.close();
        }
    }

    @Test
    void deadlineRunsTheCancelActionThenForceCloses() {
        ResourceGuard g = guard(TestSupport.fast());
        AtomicInteger cancels = new AtomicInteger();
        AtomicReference<CloseCause> closedWith = new AtomicReference<>();
        HandleSpec<Object> spec = HandleSpec.builder("client")
                .timeout(Duration.ofMillis(50))
                .onCancel(r -> cancels.incrementAndGet())
                .onClose((r, cause) -> closedWith.set(cause))
                .build();
        Handle<Object> h = g.track(new Object(), spec);

        await().until(() -> cancels.get() == 1);
        // A resource has no thread: after the grace period the guard closes it itself.
        await().until(() -> h.state() == HandleState.CLOSED);
        assertEquals(CloseCause.TIMED_OUT, closedWith.get());
        assertEquals(CloseCause.TIMED_OUT, h.closeCause().orElseThrow());
        assertEquals(1, cancels.get());
        assertEquals(1, g.stats().deadlinesExceeded());
        assertTrue(
                events.stream().anyMatch(e -> e.type() == GuardEvent.Type.DEADLINE_EXCEEDED && e.handleId() == h.id()));
        HandleClosedException ex = assertThrows(HandleClosedException.class, h::checkOpen);
        assertTrue(ex.getMessage().endsWith("already closed (cause=TIMED_OUT)"), ex.getMessage());
    }

    /**
     * With the system ticker new handles are stamped with the watchdog's last published time, not read
     * from the clock; a deadline must still never fire before its full timeout has passed since the
     * handle was opened (here: since just before {@code track}), whatever the tick.
     */
    @Test
    void systemClockDeadlinesNeverFireEarly() {
        ResourceGuard g = guard(TestSupport.fast().watchdogTick(Duration.ofMillis(25)));
        int n = 200;
        long[] before = new long[n];
        long[] cancelledAt = new long[n];
        long[] timeouts = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            timeouts[k] = TimeUnit.MILLISECONDS.toNanos(20 + (k * 7) % 100);
            HandleSpec<Object> spec = HandleSpec.builder("early")
                    .timeout(Duration.ofNanos(timeouts[k]))
                    .onCancel(r -> cancelledAt[k] = System.nanoTime())
                    .build();
            before[k] = System.nanoTime();
            g.track(new Object(), spec);
            if (k % 10 == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3)); // spread over several ticks
            }
        }
        await().until(() -> g.stats().deadlinesExceeded() == n);
        await().until(() -> java.util.Arrays.stream(cancelledAt).allMatch(t -> t != 0));
        for (int i = 0; i < n; i++) {
            long ran = cancelledAt[i] - before[i];
            assertTrue(ran >= timeouts[i], "handle " + i + " cancelled " + (timeouts[i] - ran) + " ns early");
        }
    }

    @Test
    void closedBeforeDeadlineNeverCancels() throws Exception {
        ResourceGuard g = guard(TestSupport.fast());
        AtomicInteger cancels = new AtomicInteger();
        HandleSpec<Object> spec = HandleSpec.builder("client")
                .timeout(Duration.ofMillis(30))
                .onCancel(r -> cancels.incrementAndGet())
                .build();
        for (int i = 0; i < 100; i++) {
            g.track(new Object(), spec).close();
        }
        // A later handle's deadline firing proves the watchdog passed the earlier deadlines.
        Handle<Object> probe = g.track(new Object(), spec);
        await().until(() -> probe.state() == HandleState.CLOSED);
        assertEquals(1, cancels.get());
        assertEquals(1, g.stats().deadlinesExceeded());
    }

    @Test
    void taskPastDeadlineIsInterruptedAndClosesTimedOut() throws Exception {
        ResourceGuard g = guard(TestSupport.fast());
        DeadlineExceededException ex = assertThrows(
                DeadlineExceededException.class,
                () -> g.runTask("sleepy", Duration.ofMillis(50), () -> {
                    Thread.sleep(60_000);
                    return "never";
                }));
        assertTrue(ex.getMessage().contains("task 'sleepy'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("deadline of 50 ms"), ex.getMessage());
        assertTrue(ex.getCause() instanceof InterruptedException, String.valueOf(ex.getCause()));
        assertFalse(Thread.currentThread().isInterrupted(), "the guard's interrupt must not leak out");
        assertEquals(1, g.stats().closed("task", CloseCause.TIMED_OUT));
    }

    @Test
    void taskWithinDeadlineReturnsItsValue() throws Exception {
        ResourceGuard g = guard(TestSupport.fast());
        assertEquals("ok", g.runTask("quick", Duration.ofSeconds(30), () -> "ok"));
        assertEquals(1, g.stats().closed("task", CloseCause.COMPLETED));
        assertTrue(g.openHandles().isEmpty());
    }

    @Test
    void ignoredCancelEscalatesToForceCloseAndStuckWithTheStack() throws Exception {
        ResourceGuard g = guard(TestSupport.fast());
        AtomicReference<CloseCause> childClosed = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread worker = new Thread(
                () -> {
                    Handle<String> task = g.openTask("spinner", Duration.ofMillis(50));
                    try (Scope s = task.enter()) {
                        g.track(
                                new Object(),
                                HandleSpec.builder("socket")
                                        .onClose((r, c) -> childClosed.set(c))
                                        .trackReachability(false)
                                        .build());
                        spinIgnoringInterrupts(release);
                    } finally {
                        task.close();
                        done.countDown();
                    }
                },
                "spinning-worker");
        worker.start();

        await().until(() -> childClosed.get() != null);
        assertEquals(CloseCause.TIMED_OUT, childClosed.get());
        await().until(() -> events.stream().anyMatch(e -> e.type() == GuardEvent.Type.STUCK));
        GuardEvent stuck = events.stream()
                .filter(e -> e.type() == GuardEvent.Type.STUCK)
                .findFirst()
                .orElseThrow();
        assertEquals("spinning-worker", stuck.threadName().orElseThrow());
        assertTrue(
                java.util.Arrays.stream(stuck.stack())
                        .anyMatch(f -> f.getMethodName().equals("spinIgnoringInterrupts")),
                "the stuck event names the spinning method");
        assertEquals(1, g.stats().stuckNow());
        assertEquals(1, g.report().stuck().size());
        assertTrue(events.stream().anyMatch(e -> e.type() == GuardEvent.Type.FORCE_CLOSED));

        release.countDown();
        assertTrue(done.await(20, TimeUnit.SECONDS));
        await().until(() -> g.stats().stuckNow() == 0);
        assertTrue(events.stream().anyMatch(e -> e.type() == GuardEvent.Type.STUCK_RETURNED));
        assertEquals(1, g.stats().stuckTotal());
        assertEquals(1, g.stats().closed("task", CloseCause.TIMED_OUT));
    }

    static void spinIgnoringInterrupts(CountDownLatch release) {
        long x = 0;
        while (release.getCount() > 0) {
            x += System.nanoTime() % 7;
            Thread.interrupted();
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    @Test
    void hangingCancelActionDoesNotDelayOtherDeadlines() throws Exception {
        ResourceGuard g = guard(TestSupport.fast().actionThreads(1).actionTimeout(Duration.ofMillis(200)));
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch hangStarted = new CountDownLatch(1);
        HandleSpec<Object> hanging = HandleSpec.builder("hanging")
                .timeout(Duration.ofMillis(20))
                .onCancel(r -> {
                    hangStarted.countDown();
                    while (never.getCount() > 0) {
                        try {
                            never.await();
                        } catch (InterruptedException ignored) {
                            // a cancel over a dead network: does not care about interrupts
                        }
                    }
                })
                .build();
        AtomicInteger otherCancels = new AtomicInteger();
        HandleSpec<Object> other = HandleSpec.builder("other")
                .timeout(Duration.ofMillis(20))
                .onCancel(r -> otherCancels.incrementAndGet())
                .build();
        Handle<Object> a = g.track(new Object(), hanging);
        assertTrue(hangStarted.await(20, TimeUnit.SECONDS));
        // The only action thread is now hung. Deadlines that follow are still served.
        List<Handle<Object>> others = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(g.track(new Object(), other));
        }
        await().until(() -> otherCancels.get() == 5);
        assertEquals(5, others.size());
        assertTrue(g.stats().actionsHung() >= 1);
        assertTrue(events.stream().anyMatch(e -> e.type() == GuardEvent.Type.ACTION_HUNG));
        never.countDown();
        await().until(() -> a.state() == HandleState.CLOSED);
    }

    @Test
    void setTimeoutAndClearDeadline() {
        ResourceGuard g = guard(TestSupport.fast());
        AtomicInteger cancels = new AtomicInteger();
        HandleSpec<Object> spec = HandleSpec.builder("client")
                .onCancel(r -> cancels.incrementAndGet())
                .build();
        Handle<Object> cleared = g.track(new Object(), spec);
        cleared.setTimeout(Duration.ofMillis(20));
        cleared.clearDeadline();
        assertTrue(cleared.remaining().isEmpty());
        Handle<Object> timed = g.track(new Object(), spec);
        timed.setTimeout(Duration.ofMillis(40));
        await().until(() -> timed.state() == HandleState.CLOSED);
        assertEquals(1, cancels.get());
        assertEquals(HandleState.OPEN, cleared.state());
        assertThrows(IllegalArgumentException.class, () -> cleared.setTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> cleared.setTimeout(Duration.ZERO));
        cleared.close();
    }
}
