package dev.resourceguard.test;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The one way the guard's tests wait for an asynchronous outcome (a watchdog cancel, a close on the
 * action pool, a thread ending): Awaitility, preconfigured with bounds generous enough for a loaded
 * two-core CI machine. Never {@code Thread.sleep} to wait for an outcome.
 *
 * <pre>{@code
 * ticker.advance(Duration.ofSeconds(31));
 * Awaits.await().until(() -> handle.state() == HandleState.CLOSED);
 * Awaits.await().untilAsserted(() -> assertEquals(CloseCause.TIMED_OUT, handle.closeCause().orElseThrow()));
 * }</pre>
 *
 * <p>The settings: wait {@linkplain #AT_MOST at most 10 s}, check at once and then every {@linkplain
 * #POLL_INTERVAL 5 ms}, and poll on the calling thread (so a condition may read thread-locals such as
 * {@link dev.resourceguard.ResourceGuard#currentOwner()}, and no thread is started per wait; a condition
 * must therefore not block). As Awaitility does by default, an exception left uncaught on any thread
 * during the wait fails it; add {@code .dontCatchUncaughtExceptions()} where threads die on purpose. The bound is a failure detector, not an expected duration: a passing wait
 * normally takes milliseconds, and only a broken test ever waits 10 s. Override per call where needed:
 * {@code Awaits.await().atMost(Duration.ofSeconds(30))}.
 *
 * <p>The watchdog checks deadlines on real time every {@link dev.resourceguard.GuardConfig#watchdogTick()},
 * even with a {@link FakeTicker}: after advancing a fake ticker, await the outcome rather than assert it.
 */
public final class Awaits {

    /** The longest a wait lasts before failing the test. */
    public static final Duration AT_MOST = Duration.ofSeconds(10);

    /** How often the condition is checked. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(5);

    private Awaits() {}

    /**
     * A new Awaitility {@link ConditionFactory}: at most {@link #AT_MOST}, no initial delay, polled every
     * {@link #POLL_INTERVAL} on the calling thread. Each call returns a fresh factory.
     */
    public static ConditionFactory await() {
        return Awaitility.await()
                .atMost(AT_MOST)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL)
                .pollInSameThread();
    }

    /** As {@link #await()}, with an alias that Awaitility puts in the timeout message. */
    public static ConditionFactory await(String alias) {
        return Awaitility.await(alias)
                .atMost(AT_MOST)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL)
                .pollInSameThread();
    }
}
