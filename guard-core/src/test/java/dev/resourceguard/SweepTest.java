package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SweepTest {

    @Test
    void sweepsExpiredLeakedAndIdleButNeverProtected() {
        TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .ticker(ticker)
                .idleThreshold(Duration.ofMinutes(1))
                .leakThreshold(Duration.ZERO)
                .forceCloseGrace(Duration.ofHours(1))
                .build())) {
            Handle<String> idle = guard.track(
                    "idle", HandleSpec.<String>builder("res").costBytes(1000).build());
            Handle<String> busy = guard.track(
                    "busy", HandleSpec.<String>builder("res").costBytes(1000).build());
            Handle<String> kept = guard.track(
                    "kept", HandleSpec.<String>builder("res").protect(true).build());
            Handle<String> expired = guard.track("expired", HandleSpec.of("res"), "expired", Duration.ofSeconds(30));
            ticker.advance(Duration.ofMinutes(2));
            busy.touch();

            SweepResult r = guard.sweep();
            assertEquals("manual", r.reason());
            assertEquals(2, r.count(), r.toString());
            assertTrue(r.swept().get(0).contains("expired"), "past-deadline handles go first: " + r.swept());
            assertTrue(r.swept().get(1).contains("idle"), r.swept().toString());
            assertEquals(1000, r.freedBytesEstimate());
            assertEquals(CloseCause.SWEPT, idle.closeCause().orElseThrow());
            assertEquals(HandleState.OPEN, busy.state());
            assertEquals(HandleState.OPEN, kept.state());
            assertEquals(2, guard.stats().swept());
            assertEquals(1, guard.stats().sweeps());
            assertTrue(expired.closeCause().isPresent());
            busy.close();
            kept.close();
        }
    }

    @Test
    void aResourceOfARunningTaskIsNotIdle() {
        TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .ticker(ticker)
                .idleThreshold(Duration.ofMinutes(1))
                .leakThreshold(Duration.ZERO)
                .build())) {
            Handle<String> task = guard.openTask("long-crawl", Duration.ofHours(1));
            Handle<String> page;
            Handle<String> loose = guard.track("loose", HandleSpec.of("page"));
            try (Scope s = task.enter()) {
                page = guard.track("page", HandleSpec.of("page"));
                ticker.advance(Duration.ofMinutes(2));
                SweepResult r = guard.sweep();
                assertEquals(1, r.count(), r.toString());
                assertEquals(HandleState.OPEN, page.state(), "in use by the running task");
                assertEquals(CloseCause.SWEPT, loose.closeCause().orElseThrow());
            }
            // The task's thread left: now its untouched page is idle.
            assertEquals(1, guard.sweep().count());
            assertEquals(CloseCause.SWEPT, page.closeCause().orElseThrow());
            task.close();
        }
    }
}
