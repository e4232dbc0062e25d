package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuotaTest {

    @Test
    void waitsForAPermitThenFailsNamingKindLimitAndOldestHolders() throws Exception {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .quota("browser", 2)
                .acquireTimeout(Duration.ofMillis(100))
                .build())) {
            Handle<String> task = guard.openTask("crawl-17", Duration.ofMinutes(1));
            Handle<String> first;
            try (Scope s = task.enter()) {
                first = guard.track("b1", HandleSpec.of("browser"), "chromium-1", null);
            }
            Handle<String> second = guard.track("b2", HandleSpec.of("browser"));

            QuotaExceededException ex =
                    assertThrows(QuotaExceededException.class, () -> guard.track("b3", HandleSpec.of("browser")));
            String m = ex.getMessage();
            assertTrue(m.contains("browser quota of 2 reached after"), m);
            assertTrue(m.contains("open=2"), m);
            assertTrue(m.contains("oldest: browser 'chromium-1'"), m);
            assertTrue(m.contains("held by task 'crawl-17'"), m);
            assertEquals("browser", ex.kind());
            assertEquals(2, ex.limit());
            assertEquals(1, guard.stats().quotaTimeouts());
            assertTrue(
                    guard.report().recentEvents().stream().anyMatch(e -> e.type() == GuardEvent.Type.QUOTA_EXHAUSTED));

            // A waiter gets the permit as soon as a holder closes.
            GuardConfig slow = guard.config();
            assertEquals(2, slow.quotas().get("browser"));
            try (ResourceGuard patient = ResourceGuard.create(TestSupport.fast()
                    .name("patient")
                    .quota("browser", 1)
                    .acquireTimeout(Duration.ofSeconds(30))
                    .build())) {
                Handle<String> holder = patient.track("p1", HandleSpec.of("browser"));
                CompletableFuture<Handle<String>> waiter =
                        CompletableFuture.supplyAsync(() -> patient.track("p2", HandleSpec.of("browser")));
                TestSupport.await().until(() -> patient.stats().quotaWaiting("browser") == 1);
                holder.close();
                Handle<String> got = waiter.get(20, TimeUnit.SECONDS);
                assertEquals("p2", got.get());
                assertEquals(1, patient.report().quotas().get(0).inUse());
                got.close();
            }
            task.close();
            second.close();
            assertEquals(HandleState.CLOSED, first.state());
        }
    }

    @Test
    void closingReleasesThePermit() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .quota("connection", 1)
                .acquireTimeout(Duration.ZERO)
                .build())) {
            for (int i = 0; i < 100; i++) {
                guard.track("c" + i, HandleSpec.of("connection")).close();
            }
            assertEquals(1, guard.stats().quotaLimit("connection"));
            assertEquals(0, guard.report().quotas().get(0).inUse());
        }
    }
}
