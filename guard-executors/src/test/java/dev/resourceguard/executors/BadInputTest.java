package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Bad input is rejected at once, with a message that names the argument and the value. */
class BadInputTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    GuardedExecutorService pool;

    @BeforeEach
    void wrap(ResourceGuard guard) {
        pool = GuardedExecutors.wrap(Executors.newFixedThreadPool(1), guard);
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, pool.stats().submitted(), "a rejected call submitted something");
    }

    static void rejects(Class<? extends Throwable> type, String message, Executable call) {
        Throwable t = assertThrows(type, call);
        assertEquals(message, t.getMessage());
    }

    @Test
    void nullTasks() {
        String msg = "task must not be null";
        rejects(NullPointerException.class, msg, () -> pool.submit((Callable<Object>) null));
        rejects(NullPointerException.class, msg, () -> pool.submit((Runnable) null));
        rejects(NullPointerException.class, msg, () -> pool.submit((Runnable) null, "x"));
        rejects(NullPointerException.class, msg, () -> pool.execute(null));
        rejects(NullPointerException.class, msg, () -> pool.submit("n", null, (Callable<Object>) null));
        rejects(NullPointerException.class, msg, () -> pool.execute("n", null, null));
        rejects(NullPointerException.class, msg, () -> pool.invokeAll(Arrays.asList(() -> 1, null)));
        rejects(NullPointerException.class, msg, () -> pool.invokeAny(Arrays.asList(() -> 1, null)));
        rejects(
                NullPointerException.class,
                msg,
                () -> pool.gather(Arrays.asList(() -> 1, null), Duration.ofSeconds(1)));
        rejects(NullPointerException.class, "tasks must not be null", () -> pool.invokeAll(null));
        rejects(NullPointerException.class, "tasks must not be null", () -> pool.gather(null, Duration.ofSeconds(1)));
        rejects(
                NullPointerException.class,
                "retry policy must not be null",
                () -> pool.submit("n", null, (RetryPolicy) null, () -> 1));
    }

    @Test
    void badTimeoutsAndNames() {
        rejects(
                IllegalArgumentException.class,
                "task timeout must be positive: PT-1S",
                () -> pool.submit("n", Duration.ofSeconds(-1), () -> 1));
        rejects(
                IllegalArgumentException.class,
                "task timeout must be positive: PT0S",
                () -> pool.execute("n", Duration.ZERO, () -> {}));
        rejects(
                IllegalArgumentException.class,
                "task name must not be blank: ' '",
                () -> pool.submit(" ", null, () -> 1));
        rejects(
                IllegalArgumentException.class,
                "gather timeout must be positive: PT-0.001S",
                () -> pool.gather(List.of(() -> 1), Duration.ofMillis(-1)));
        rejects(
                IllegalArgumentException.class,
                "shutdown timeout must not be negative: PT-1S",
                () -> pool.shutdownGracefully(Duration.ofSeconds(-1)));
        rejects(IllegalArgumentException.class, "invokeAny needs at least one task", () -> pool.invokeAny(List.of()));
    }

    @Test
    void badRetryPolicies() {
        rejects(IllegalArgumentException.class, "maxAttempts must be at least 1: 0", () -> RetryPolicy.builder()
                .maxAttempts(0));
        rejects(
                IllegalArgumentException.class,
                "initialBackoff must not be negative: PT-0.1S",
                () -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-100)));
        rejects(
                IllegalArgumentException.class,
                "multiplier must be a finite number of at least 1.0: 0.5",
                () -> RetryPolicy.builder().multiplier(0.5));
        rejects(
                IllegalArgumentException.class,
                "multiplier must be a finite number of at least 1.0: NaN",
                () -> RetryPolicy.builder().multiplier(Double.NaN));
        rejects(
                IllegalArgumentException.class,
                "maxBackoff (PT0.1S) must not be shorter than initialBackoff (PT1S)",
                () -> RetryPolicy.builder()
                        .initialBackoff(Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofMillis(100))
                        .build());
        rejects(NullPointerException.class, "retryOn", () -> RetryPolicy.builder()
                .retryOn(null));
        rejects(IllegalArgumentException.class, "retry must be at least 1: 0", () -> RetryPolicy.defaults()
                .backoff(0, 0.5));
        rejects(IllegalArgumentException.class, "random must be in [0, 1): 1.0", () -> RetryPolicy.defaults()
                .backoff(1, 1.0));
        assertEquals(
                "RetryPolicy{maxAttempts=3, initialBackoff=PT0.1S, maxBackoff=PT10S, multiplier=2.0, jitter=full,"
                        + " retryOn=any exception except InterruptedException}",
                RetryPolicy.defaults().toString());
    }

    @Test
    void badOptionsAndWraps(ResourceGuard guard) {
        rejects(
                IllegalArgumentException.class,
                "name must be 1 to 64 letters, digits, '.', '_' or '-': 'my pool'",
                () -> ExecutorOptions.builder().name("my pool"));
        rejects(IllegalArgumentException.class, "taskTimeout must be positive: PT0S", () -> ExecutorOptions.builder()
                .taskTimeout(Duration.ZERO));
        rejects(
                IllegalArgumentException.class,
                "maxExtraThreads must be between 0 and 10000: -1",
                () -> ExecutorOptions.builder().maxExtraThreads(-1));
        rejects(NullPointerException.class, "executor", () -> GuardedExecutors.wrap((ExecutorService) null, guard));
        rejects(
                NullPointerException.class,
                "guard",
                () -> GuardedExecutors.wrap(Executors.newFixedThreadPool(1), null));
        rejects(
                IllegalArgumentException.class,
                "executor '" + pool.name() + "' is already guarded (by guard '"
                        + guard.config().name() + "')",
                () -> GuardedExecutors.wrap(pool, guard));
    }
}
