package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries on real time and the real scheduler thread (which ends with the executor). */
class RetryDeadlineTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(
            b -> b.forceCloseGrace(Duration.ofMillis(100)).stuckGrace(Duration.ofMillis(100)));

    static final RetryPolicy QUICK = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(20))
            .build();

    @Test
    void succeedsAfterFailures(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        AtomicInteger attempts = new AtomicInteger();
        Future<Integer> f = pool.submit("flaky", null, QUICK, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return attempts.get();
        });
        assertEquals(3, f.get(10, TimeUnit.SECONDS));
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void anAttemptRunningAtTheDeadlineIsCancelledAndTheFailureKeepsEarlierCauses(ResourceGuard guard) throws Exception {
        GuardedExecutorService pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
        AtomicInteger attempts = new AtomicInteger();
        Future<String> f = pool.submit("hangs-on-retry", Duration.ofMillis(300), QUICK, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("first");
            }
            Thread.sleep(60_000);
            return "never";
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        DeadlineExceededException d = assertInstanceOf(DeadlineExceededException.class, e.getCause());
        assertTrue(d.getMessage().contains("exceeded its deadline of 300 ms (attempt 2 of 3; ran "), d.getMessage());
        assertEquals(1, d.getSuppressed().length);
        assertEquals("first", d.getCause().getMessage());
        assertEquals(2, attempts.get());
        Awaits.await().until(() -> guard.openHandles().isEmpty());
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
}
