package dev.resourceguard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Shared helpers for the core's tests: generous waits for a loaded 2-core CI, a settable ticker. */
final class TestSupport {
    private TestSupport() {}

    /** Awaitility with a generous bound; assertions stay tight, only the wait is long. */
    static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5));
    }

    /** A ticker tests move by hand. */
    static final class ManualTicker implements Ticker {
        private final AtomicLong now = new AtomicLong(7_000_000_000L);

        @Override
        public long read() {
            return now.get();
        }

        void advance(Duration d) {
            now.addAndGet(d.toNanos());
        }
    }

    /** A config for tests: fast ladder, every allocation site captured. */
    static GuardConfig.Builder fast() {
        return GuardConfig.builder()
                .name("test")
                .forceCloseGrace(Duration.ofMillis(100))
                .stuckGrace(Duration.ofMillis(100))
                .watchdogTick(Duration.ofMillis(2))
                .allocationSites(AllocationSites.ALWAYS)
                .shutdownTimeout(Duration.ofSeconds(5));
    }
}
