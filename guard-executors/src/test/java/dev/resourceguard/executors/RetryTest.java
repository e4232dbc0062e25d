package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.FakeTicker;
import dev.resourceguard.test.GuardExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetryTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(
                    b -> b.forceCloseGrace(Duration.ofMillis(100)).stuckGrace(Duration.ofMillis(100)))
            .withFakeTicker();

    final ManualScheduler scheduler = new ManualScheduler();
    GuardedExecutorService pool;

    GuardedExecutorService pool(ResourceGuard guard, double random) {
        pool = GuardedExecutors.wrap(
                Executors.newFixedThreadPool(1),
                guard,
                ExecutorOptions.builder()
                        .name("retrying")
                        .retryScheduler(scheduler)
                        .random(() -> random)
                        .build());
        return pool;
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    static final RetryPolicy POLICY = RetryPolicy.builder()
            .maxAttempts(4)
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(300))
            .multiplier(2)
            .build();

    @Test
    void backoffIsExponentialCappedAndFullyJittered() {
        assertEquals(Duration.ofMillis(50), POLICY.backoff(1, 0.5));
        assertEquals(Duration.ofMillis(100), POLICY.backoff(2, 0.5));
        assertEquals(Duration.ofMillis(150), POLICY.backoff(3, 0.5)); // 400 capped at 300
        assertEquals(Duration.ofMillis(150), POLICY.backoff(30, 0.5));
        assertEquals(Duration.ZERO, POLICY.backoff(1, 0.0));
        assertTrue(POLICY.backoff(3, 0.999_999).compareTo(Duration.ofMillis(300)) < 0);
        RetryPolicy fixed = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(1))
                .multiplier(3)
                .jitter(false)
                .build();
        assertEquals(Duration.ofMillis(100), fixed.backoff(1, 0.1));
        assertEquals(Duration.ofMillis(300), fixed.backoff(2, 0.9));
        assertEquals(Duration.ofMillis(900), fixed.backoff(3, 0.0));
        assertEquals(Duration.ofSeconds(1), fixed.backoff(4, 0.5));
        assertEquals(Duration.ofSeconds(1), fixed.backoff(Integer.MAX_VALUE, 0.5));
    }

    @Test
    void retriesWaitTheBackoffOnTheSchedulerNotOnAWorker(ResourceGuard guard, FakeTicker ticker) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        List<Long> startedAtMs = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Future<String> f = p.submit("flaky", Duration.ofSeconds(10), POLICY, () -> {
            startedAtMs.add(ticker.elapsed().toMillis());
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("attempt " + attempts.get());
            }
            return "ok";
        });
        Awaits.await().until(() -> scheduler.size() == 1);
        assertEquals(List.of(50L), scheduler.delaysMillis());
        // While it waits, the single worker is free.
        assertEquals("free", p.submit(() -> "free").get(10, TimeUnit.SECONDS));
        ticker.advance(Duration.ofMillis(50));
        scheduler.fireNext();
        Awaits.await().until(() -> scheduler.size() == 1);
        assertEquals(List.of(100L), scheduler.delaysMillis());
        ticker.advance(Duration.ofMillis(100));
        scheduler.fireNext();
        assertEquals("ok", f.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(0L, 50L, 150L), startedAtMs);
        assertEquals(0, scheduler.size());
        ExecutorStats s = p.stats();
        assertEquals(2, s.submitted()); // the retried task counts once
        assertEquals(2, s.completed());
        assertEquals(4, s.started()); // three attempts and the probe
    }

    @Test
    void noAttemptIsScheduledPastTheDeadline(ResourceGuard guard, FakeTicker ticker) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        RetryPolicy slow = RetryPolicy.builder()
                .maxAttempts(10)
                .initialBackoff(Duration.ofMillis(400))
                .maxBackoff(Duration.ofSeconds(5))
                .jitter(false)
                .build();
        AtomicInteger attempts = new AtomicInteger();
        Future<String> f = p.submit("slow-api", Duration.ofSeconds(1), slow, () -> {
            throw new IOException("attempt " + attempts.incrementAndGet());
        });
        Awaits.await().until(() -> scheduler.size() == 1);
        assertEquals(List.of(400L), scheduler.delaysMillis());
        ticker.advance(Duration.ofMillis(400));
        scheduler.fireNext();
        // After attempt 2 at 400 ms, a backoff of 800 ms would end past the deadline of 1000 ms.
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        DeadlineExceededException d = assertInstanceOf(DeadlineExceededException.class, e.getCause());
        assertTrue(
                d.getMessage()
                        .matches("task 'slow-api' #\\d+ exceeded its deadline of 1000 ms \\(no time left for attempt 3"
                                + " after a backoff of 800 ms; ran 400 ms\\)"),
                d.getMessage());
        assertEquals(2, d.getSuppressed().length);
        assertEquals("attempt 1", d.getSuppressed()[0].getMessage());
        assertEquals("attempt 2", d.getSuppressed()[1].getMessage());
        assertSame(d.getSuppressed()[1], d.getCause());
        assertEquals(0, scheduler.size());
        assertEquals(2, attempts.get());
        assertEquals(1, p.stats().timedOut());
    }

    @Test
    void theFinalFailureCarriesEveryAttemptsCause(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        AtomicInteger attempts = new AtomicInteger();
        Future<String> f = p.submit("always-fails", null, POLICY, () -> {
            throw new IOException("failure " + attempts.incrementAndGet());
        });
        List<Long> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Awaits.await().until(() -> scheduler.size() == 1);
            delays.addAll(scheduler.delaysMillis());
            scheduler.fireNext();
        }
        assertEquals(List.of(50L, 100L, 150L), delays);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        RetryException r = assertInstanceOf(RetryException.class, e.getCause());
        assertEquals(4, r.attempts());
        assertTrue(r.getMessage().startsWith("task 'always-fails' failed after 4 attempts in "), r.getMessage());
        assertTrue(
                r.getMessage().endsWith(" ms (attempts exhausted); last: java.io.IOException: failure 4"),
                r.getMessage());
        assertArrayEquals(
                new String[] {"failure 1", "failure 2", "failure 3", "failure 4"},
                java.util.Arrays.stream(r.getSuppressed())
                        .map(Throwable::getMessage)
                        .toArray());
        assertSame(r.getSuppressed()[3], r.getCause());
        assertEquals(1, p.stats().failed());
    }

    @Test
    void aFailureThePredicateRejectsIsNotRetried(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        RetryPolicy onlyIo =
                RetryPolicy.builder().retryOn(t -> t instanceof IOException).build();
        Future<String> f = p.submit(null, null, onlyIo, () -> {
            throw new IllegalStateException("bug");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        RetryException r = assertInstanceOf(RetryException.class, e.getCause());
        assertEquals(1, r.attempts());
        assertTrue(r.getMessage().contains("(not retryable)"), r.getMessage());
        assertEquals(0, scheduler.size());
    }

    @Test
    void cancellingDuringTheBackoffStopsTheRetries(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        AtomicInteger attempts = new AtomicInteger();
        Future<String> f = p.submit(null, null, POLICY, () -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        });
        Awaits.await().until(() -> scheduler.size() == 1);
        assertTrue(f.cancel(true));
        scheduler.fireNext();
        assertEquals("probe", p.submit(() -> "probe").get(10, TimeUnit.SECONDS));
        assertEquals(1, attempts.get());
        assertThrows(CancellationException.class, f::get);
    }

    @Test
    void shutdownNowFailsATaskWaitingToRetry(ResourceGuard guard) throws Exception {
        GuardedExecutorService p = pool(guard, 0.5);
        Future<String> f = p.submit(null, null, POLICY, () -> {
            throw new IOException("down");
        });
        Awaits.await().until(() -> scheduler.size() == 1);
        p.shutdownNow();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        RetryException r = assertInstanceOf(RetryException.class, e.getCause());
        assertTrue(r.getMessage().contains("could not start the next attempt"), r.getMessage());
        assertEquals(1, r.attempts());
    }
}
