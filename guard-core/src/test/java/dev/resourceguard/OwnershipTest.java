package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OwnershipTest {
    private final ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build());

    @AfterEach
    void closeGuard() {
        guard.close();
    }

    private HandleSpec<String> recording(List<String> log) {
        return HandleSpec.<String>builder("res")
                .onCancel(r -> log.add("cancel " + r))
                .onClose((r, c) -> log.add("close " + r + " " + c))
                .trackReachability(false) // these tests drop child handles on purpose
                .build();
    }

    @Test
    void handlesOpenedInsideAScopeAreChildren() {
        Handle<String> task = guard.openTask("t", Duration.ofMinutes(1));
        Handle<String> inner;
        try (Scope s = task.enter()) {
            assertSame(task.id(), guard.currentOwner().orElseThrow().id());
            inner = guard.track("conn", HandleSpec.of("res"));
            assertEquals(task.id(), inner.owner().orElseThrow().id());
            assertEquals(1, task.children().size());
        }
        assertTrue(guard.currentOwner().isEmpty());
        Handle<String> outside = guard.track("free", HandleSpec.of("res"));
        assertTrue(outside.owner().isEmpty());
        inner.close();
        assertTrue(task.children().isEmpty());
        task.close();
        outside.close();
    }

    @Test
    void parentCancelReachesChildrenNewestFirst() {
        List<String> log = new CopyOnWriteArrayList<>();
        HandleSpec<String> spec = recording(log);
        Handle<String> parent = guard.track("parent", spec);
        try (Scope s = parent.enter()) {
            guard.track("a", spec);
            Handle<String> b = guard.track("b", spec);
            try (Scope s2 = b.enter()) {
                guard.track("b1", spec);
            }
            guard.track("c", spec);
        }
        assertTrue(parent.cancel());
        assertFalse(parent.cancel(), "second cancel is a no-op");
        await().until(() -> log.size() == 5);
        assertEquals(List.of("cancel c", "cancel b1", "cancel b", "cancel a", "cancel parent"), log);
        log.clear();
        parent.close();
        assertEquals(
                List.of(
                        "close c CANCELLED",
                        "close b1 CANCELLED",
                        "close b CANCELLED",
                        "close a CANCELLED",
                        "close parent CANCELLED"),
                log);
    }

    @Test
    void closeReachesChildrenFirstAndReportsThemLeaked() {
        List<String> log = new CopyOnWriteArrayList<>();
        HandleSpec<String> spec = recording(log);
        Handle<String> task = guard.openTask("owner", Duration.ofMinutes(1));
        try (Scope s = task.enter()) {
            guard.track("x", spec);
            guard.track("y", spec);
        }
        task.close();
        assertEquals(List.of("close y LEAKED", "close x LEAKED"), log);
        assertEquals(2, guard.stats().leaked());
        assertTrue(guard.report().recentEvents().stream()
                .anyMatch(e -> e.type() == GuardEvent.Type.LEAKED && e.message().contains("task 'owner'")));
    }

    @Test
    void detachedAndTransferredHandlesOutliveTheirOwner() {
        Handle<String> keeper = guard.track("pool", HandleSpec.of("res"));
        Handle<String> task = guard.openTask("t", Duration.ofMinutes(1));
        Handle<String> detached;
        Handle<String> moved;
        try (Scope s = task.enter()) {
            detached = guard.track("d", HandleSpec.of("res"));
            moved = guard.track("m", HandleSpec.of("res"));
        }
        detached.detach();
        moved.transferTo(keeper);
        task.close();
        assertEquals(HandleState.OPEN, detached.state());
        assertEquals(HandleState.OPEN, moved.state());
        assertEquals(keeper.id(), moved.owner().orElseThrow().id());
        assertEquals(0, guard.stats().leaked());
        IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> keeper.transferTo(moved));
        assertTrue(cycle.getMessage().contains("its own descendant"), cycle.getMessage());
        keeper.close();
        assertEquals(HandleState.CLOSED, moved.state());
        detached.close();
    }

    @Test
    void cancelInterruptsTheRunnerAndTheInterruptDoesNotLeak() throws Exception {
        Handle<String> task = guard.openTask("t", Duration.ofMinutes(1));
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean leakedAfterExit = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            try (Scope s = task.enter()) {
                entered.countDown();
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            leakedAfterExit.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        task.cancel();
        t.join(20_000);
        assertTrue(interrupted.get());
        assertFalse(leakedAfterExit.get());
        task.close();
        assertEquals(CloseCause.CANCELLED, task.closeCause().orElseThrow());
    }

    @Test
    void childMayForbidInterruptingItsOwner() throws Exception {
        Handle<String> task = guard.openTask("browser-work", Duration.ofMinutes(1));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        HandleSpec<String> page = HandleSpec.<String>builder("page")
                .forbidOwnerInterrupt(true)
                .trackReachability(false)
                .onCancel(r -> killed.countDown())
                .build();
        Thread t = new Thread(() -> {
            try (Scope s = task.enter()) {
                guard.track("page", page);
                entered.countDown();
                // a blocked Playwright call, freed by killing the browser, never by an interrupt
                while (!killed.await(10, TimeUnit.MILLISECONDS)) {
                    // waiting
                }
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        t.start();
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        task.cancel();
        t.join(20_000);
        assertFalse(interrupted.get(), "the thread must not be interrupted");
        task.close();
    }

    @Test
    void theInterruptDecisionIsTakenBeforeChildrenCancelAndClose() throws Exception {
        // Killing a browser frees its owner and closes its page as part of the cancel; the owner's thread
        // must still not be interrupted (it may be back in Playwright by then).
        Handle<String> task = guard.openTask("browser-work", Duration.ofMinutes(1));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Handle<String>> page =
                new java.util.concurrent.atomic.AtomicReference<>();
        HandleSpec<String> closesItselfOnCancel = HandleSpec.<String>builder("page")
                .forbidOwnerInterrupt(true)
                .trackReachability(false)
                .onCancel(r -> {
                    page.get().close();
                    released.countDown();
                })
                .build();
        Thread t = new Thread(() -> {
            try (Scope s = task.enter()) {
                page.set(guard.track("page", closesItselfOnCancel));
                entered.countDown();
                while (!released.await(10, TimeUnit.MILLISECONDS)) {
                    // blocked in a browser call
                }
                Thread.sleep(200); // the next call into the browser, which an interrupt would break
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        t.start();
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        task.cancel();
        t.join(20_000);
        assertFalse(interrupted.get(), "the owner must not be interrupted once a child forbade it");
        task.close();
    }

    @Test
    void handleOpenedByACancelledOwnerIsCancelledToo() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Handle<String> task = guard.openTask("t", Duration.ofMinutes(1));
        task.cancel();
        try (Scope s = task.enter()) {
            Thread.interrupted();
            guard.track("late", recording(log));
        }
        await().until(() -> log.contains("cancel late"));
        task.close();
        assertTrue(log.contains("close late CANCELLED"), log.toString());
    }

    @Test
    void scopeMustCloseOnItsThread() throws Exception {
        Handle<String> task = guard.openTask("t", Duration.ofMinutes(1));
        Scope s = task.enter();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                s.close();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        other.start();
        other.join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        s.close();
        task.close();
        assertThrows(HandleClosedException.class, task::enter);
    }
}
