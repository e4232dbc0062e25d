package dev.resourceguard.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class AwaitsTest {

    @Test
    void boundsAreGenerousForALoadedMachine() {
        assertEquals(Duration.ofSeconds(10), Awaits.AT_MOST);
        assertEquals(Duration.ofMillis(5), Awaits.POLL_INTERVAL);
    }

    @Test
    void waitsForAConditionMetByAnotherThread() {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> done.set(true));
        Awaits.await().untilTrue(done);
    }

    @Test
    void pollsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Awaits.await().until(() -> Thread.currentThread() == caller);
    }

    @Test
    void namesTheAliasWhenItTimesOut() {
        ConditionTimeoutException e =
                assertThrows(ConditionTimeoutException.class, () -> Awaits.await("the widget to close")
                        .atMost(Duration.ofMillis(50))
                        .until(() -> false));
        assertTrue(e.getMessage().contains("the widget to close"), e.getMessage());
    }
}
