package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReportAndEventsTest {

    @Test
    void reportShowsCountsOldestHandlesOwnerChainSiteQuotasAndEvents() {
        try (ResourceGuard guard =
                ResourceGuard.create(TestSupport.fast().quota("connection", 5).build())) {
            Handle<String> task = guard.openTask("crawl-17", Duration.ofMinutes(1));
            Handle<String> conn;
            try (Scope s = task.enter()) {
                conn = guard.track("db", HandleSpec.of("connection"), "orders-db", null);
            }
            guard.track("x", HandleSpec.of("client")).close(CloseCause.FAILED);
            Handle<Object> timed = guard.track(
                    new Object(),
                    HandleSpec.builder("client").timeout(Duration.ofMillis(10)).build());
            await().until(() -> timed.state() == HandleState.CLOSED);

            GuardReport r = guard.report();
            assertEquals("test", r.guardName());
            GuardReport.KindSummary connections = kind(r, "connection");
            assertEquals(1, connections.open());
            GuardReport.KindSummary clients = kind(r, "client");
            assertEquals(0, clients.open());
            assertEquals(1L, clients.closedByCause().get(CloseCause.FAILED));
            assertEquals(1L, clients.closedByCause().get(CloseCause.TIMED_OUT));
            assertEquals(2, r.oldest().size());
            GuardReport.HandleInfo oldest = r.oldest().get(0);
            assertEquals("crawl-17", oldest.name());
            assertTrue(oldest.remainingMillis() > 0);
            GuardReport.HandleInfo c = r.oldest().get(1);
            assertEquals("orders-db", c.name());
            assertEquals(List.of("task 'crawl-17' #" + task.id()), c.ownerChain());
            assertNull(c.remainingMillis());
            assertFalse(c.allocationSite().isEmpty(), "sites are captured in these tests");
            assertEquals(1, r.quotas().size());
            assertEquals(
                    new GuardReport.QuotaInfo("connection", 5, 1, 0), r.quotas().get(0));
            assertEquals(4, r.totals().opened());
            assertEquals(1, r.totals().deadlinesExceeded());
            assertTrue(r.memory().heapMaxBytes() > 0);
            assertTrue(r.recentEvents().stream().anyMatch(e -> e.type() == GuardEvent.Type.DEADLINE_EXCEEDED));

            String text = r.toText();
            assertTrue(text.contains("orders-db"), text);
            assertTrue(text.contains("crawl-17"), text);
            String json = r.toJson();
            assertTrue(json.startsWith("{") && json.contains("\"orders-db\""), json);
            task.close();
            assertEquals(CloseCause.LEAKED, conn.closeCause().orElseThrow());
        }
    }

    private static GuardReport.KindSummary kind(GuardReport r, String kind) {
        return r.kinds().stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void eventRingKeepsTheMostRecentAndListenersSeeEveryEvent() {
        List<GuardEvent> seen = new CopyOnWriteArrayList<>();
        List<String> closes = new CopyOnWriteArrayList<>();
        GuardListener throwing = new GuardListener() {
            @Override
            public void onEvent(GuardEvent event) {
                throw new IllegalStateException("listeners must not break the guard");
            }
        };
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .eventBufferSize(3)
                // no FORCE_CLOSED events while the test compares the ring with what the listener saw
                .forceCloseGrace(Duration.ofMinutes(5))
                .listener(throwing)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent e) {
                        seen.add(e);
                    }

                    @Override
                    public void onClose(HandleView h, CloseCause cause) {
                        closes.add(h.name() + " " + cause);
                    }
                })
                .build())) {
            List<Handle<String>> handles = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Handle<String> h = guard.track("h" + i, HandleSpec.of("res"), "h" + i, null);
                handles.add(h);
                h.cancel();
            }
            await().until(() -> seen.stream()
                            .filter(e -> e.type() == GuardEvent.Type.CANCELLED)
                            .count()
                    == 5);
            List<GuardEvent> recent = guard.report().recentEvents();
            assertEquals(3, recent.size(), recent.toString());
            List<String> cancelled = seen.stream()
                    .filter(e -> e.type() == GuardEvent.Type.CANCELLED)
                    .map(e -> e.name().orElseThrow())
                    .toList();
            assertEquals(List.of("h0", "h1", "h2", "h3", "h4"), cancelled, seen.toString());
            assertEquals(seen.subList(seen.size() - 3, seen.size()), recent, "the ring keeps the last three");
            assertEquals(5, handles.size());
            guard.openHandles().forEach(h -> ((Handle<?>) h).close());
            await().until(() -> closes.size() == 5);
            assertTrue(closes.contains("h0 CANCELLED"), closes.toString());
        }
    }

    @Test
    void usageLineIsLoggedWhenAsked() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast()
                .logResourceUsage(true)
                .logTaskPerformance(true)
                .cleanupInterval(Duration.ofMillis(20))
                .build())) {
            guard.track("a", HandleSpec.of("res"));
            // The line goes to the log; here we only check the cleanup does not disturb handles.
            Handle<Object> probe = guard.track(
                    new Object(),
                    HandleSpec.builder("probe").timeout(Duration.ofMillis(50)).build());
            await().until(() -> probe.state() == HandleState.CLOSED);
            assertEquals(1, guard.stats().open("res"));
        }
    }
}
