package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ResourceGuard#trackAndEnter}: the same semantics as {@code track} then {@code enter}. */
class TrackAndEnterTest {
    private final ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build());
    private final HandleSpec<String> taskSpec = HandleSpec.<String>builder("task")
            .interruptRunner(true)
            .trackReachability(false)
            .build();
    private final HandleSpec<String> res =
            HandleSpec.<String>builder("res").trackReachability(false).build();

    @AfterEach
    void closeGuard() {
        guard.close();
    }

    @Test
    void ownsWhatTheThreadOpensAndRestoresThePreviousOwner() {
        Handle<String> outer = guard.track("outer", taskSpec);
        Handle<String> inner;
        Handle<String> child;
        try (Scope ignored = outer.enter()) {
            EnteredHandle<String> entered = guard.trackAndEnter("inner", taskSpec, "inner", null);
            inner = entered.handle();
            assertEquals("inner", inner.get());
            assertSame(outer.id(), inner.owner().orElseThrow().id());
            try (entered) {
                assertEquals(inner.id(), guard.currentOwner().orElseThrow().id());
                assertEquals(Thread.currentThread(), inner.runner().orElseThrow());
                child = guard.track("conn", res);
            }
            assertEquals(outer.id(), guard.currentOwner().orElseThrow().id());
            assertTrue(inner.runner().isEmpty());
            assertEquals(inner.id(), child.owner().orElseThrow().id());
            inner.close();
        }
        assertTrue(guard.currentOwner().isEmpty());
        assertEquals(HandleState.CLOSED, child.state());
        assertEquals(CloseCause.LEAKED, child.closeCause().orElseThrow());
        outer.close();
    }

    @Test
    void aCancelInterruptsTheRunnerAndTheInterruptIsClearedOnExit() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean clearedAfter = new AtomicBoolean();
        Handle<?>[] handle = new Handle<?>[1];
        Thread worker = new Thread(() -> {
            EnteredHandle<String> scope = guard.trackAndEnter("work", taskSpec, null, Duration.ofMinutes(1));
            handle[0] = scope.handle();
            try (scope) {
                entered.countDown();
                new CountDownLatch(1).await(); // blocks until the guard's interrupt
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            clearedAfter.set(!Thread.currentThread().isInterrupted());
            scope.handle().close();
        });
        worker.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertTrue(handle[0].cancel());
        worker.join(10_000);
        assertFalse(worker.isAlive());
        assertTrue(interrupted.get());
        assertTrue(clearedAfter.get());
        assertEquals(CloseCause.CANCELLED, handle[0].closeCause().orElseThrow());
        await().until(() -> guard.openHandles().isEmpty());
    }

    @Test
    void aClosedGuardRefusesAndLeavesTheOwnerAlone() {
        guard.close();
        assertThrows(GuardClosedException.class, () -> guard.trackAndEnter("x", taskSpec, null, null));
        assertTrue(guard.currentOwner().isEmpty());
    }

    @Test
    void theDefaultMethodIsTrackThenEnter() {
        ResourceGuard plain = (ResourceGuard) java.lang.reflect.Proxy.newProxyInstance(
                ResourceGuard.class.getClassLoader(), new Class<?>[] {ResourceGuard.class}, (p, m, args) -> {
                    if (m.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(p, m, args);
                    }
                    return m.invoke(guard, args);
                });
        EnteredHandle<String> scope = plain.trackAndEnter("d", taskSpec, "d", null);
        try (scope) {
            assertEquals(scope.handle().id(), guard.currentOwner().orElseThrow().id());
        }
        assertTrue(guard.currentOwner().isEmpty());
        scope.handle().close();
    }

    /** The scope of {@code enter()} gives back the very handle the user holds, facade or not. */
    @Test
    void scopeOfEnterGivesTheUsersHandle() {
        for (boolean reachable : new boolean[] {true, false}) {
            Handle<String> h = guard.track(
                    "r",
                    HandleSpec.<String>builder("res")
                            .trackReachability(reachable)
                            .build());
            try (Scope scope = h.enter()) {
                assertSame(h, ((EnteredHandle<?>) scope).handle(), "reachability " + reachable);
            }
            h.close();
        }
    }
}
