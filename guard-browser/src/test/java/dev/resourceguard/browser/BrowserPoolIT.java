package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import dev.resourceguard.spi.ResourceKinds;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bounded pool: exclusive leases from several threads, browser reuse, acquire timeout, replacement of dead browsers. */
class BrowserPoolIT {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void noBrowserProcessLeft() {
        Awaits.await("no Chromium or driver left")
                .until(() -> Processes.leftoverDescendants().isEmpty());
        assertEquals(List.of(), Processes.markedBy(Marker.JVM));
    }

    private static BrowserSession sessionOf(GuardedContext context) {
        return ((ContextState) context.handle().get()).session();
    }

    @Test
    void leasesAreExclusiveAndBrowsersAreReused(ResourceGuard guard) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        Map<BrowserSession, Thread> leasedBy = new ConcurrentHashMap<>();
        Set<BrowserSession> used = ConcurrentHashMap.newKeySet();
        List<ProcessHandle> processes = new ArrayList<>();
        try (BrowserPool pool = BrowserPool.create(guard, 2)) {
            List<CompletableFuture<Void>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < 3; i++) {
                                try (GuardedContext ctx = pool.acquire(Duration.ofSeconds(60));
                                        GuardedPage page = ctx.newPage()) {
                                    BrowserSession s = sessionOf(ctx);
                                    assertNull(
                                            leasedBy.putIfAbsent(s, Thread.currentThread()),
                                            "browser leased twice at once");
                                    used.add(s);
                                    synchronized (processes) {
                                        processes.addAll(s.tree.all());
                                    }
                                    page.page().navigate(server.url("/ok"));
                                    assertEquals("ok", page.page().title());
                                    assertEquals(
                                            ResourceKinds.CONTEXT, ctx.handle().kind());
                                    leasedBy.remove(s);
                                }
                            }
                        },
                        threads));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            assertTrue(pool.launches() <= 2, "at most two browsers for twelve leases: " + pool);
            assertEquals(pool.launches(), used.size());
            assertEquals(0, pool.leased());
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of(), Processes.alive(processes), "closing the pool closed every browser");
    }

    @Test
    void acquireGivesUpAfterItsTimeoutNamingTheHolders(ResourceGuard guard) {
        try (BrowserPool pool = BrowserPool.create(guard, 1);
                GuardedContext held = pool.acquire()) {
            long t0 = System.nanoTime();
            QuotaExceededException e =
                    assertThrows(QuotaExceededException.class, () -> pool.acquire(Duration.ofMillis(300)));
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waited >= 250 && waited < 10_000, "waited " + waited + " ms");
            String m = e.getMessage();
            assertTrue(m.contains("browser pool of 1 exhausted after"), m);
            assertTrue(m.contains(held.handle().describe()), m);
            assertEquals(ResourceKinds.BROWSER, e.kind());
            assertEquals(1, e.limit());
            assertEquals(1, pool.leased());
        }
    }

    @Test
    @SuppressWarnings("try") // the scope only has to be open
    void aDeadlineInALeaseKillsThatBrowserAndThePoolReplacesIt(ResourceGuard guard) throws Exception {
        try (BrowserPool pool = BrowserPool.create(guard, 1)) {
            BrowserSession killed;
            Handle<String> task = guard.openTask("crawl", Duration.ofMinutes(1));
            try (Scope ignored = task.enter();
                    GuardedContext ctx = pool.acquire();
                    GuardedPage page = ctx.newPage()) {
                killed = sessionOf(ctx);
                assertEquals(task.id(), ctx.handle().owner().orElseThrow().id(), "the lease belongs to the task");
                task.setTimeout(Duration.ofMillis(500)); // launching took a while: half a second from now
                String hang = server.hangThen(() -> {});
                assertThrows(PlaywrightException.class, () -> page.page().navigate(hang));
            } finally {
                task.close(CloseCause.FAILED);
            }
            assertEquals(CloseCause.TIMED_OUT, task.closeCause().orElseThrow());
            List<ProcessHandle> firstTree = killed.tree.all();
            assertEquals(CloseCause.TIMED_OUT, killed.released.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(), Processes.alive(firstTree));
            assertEquals(0, pool.leased(), "the lease was given back");

            try (GuardedContext ctx = pool.acquire();
                    GuardedPage page = ctx.newPage()) {
                assertNotSame(killed, sessionOf(ctx));
                page.page().navigate(server.url("/ok"));
            }
            assertEquals(2, pool.launches());
        }
    }

    @Test
    void aPooledBrowserThatDiesWhileIdleIsReplaced(ResourceGuard guard) throws Exception {
        try (BrowserPool pool = BrowserPool.create(guard, 1)) {
            BrowserSession first;
            try (GuardedContext ctx = pool.acquire()) {
                first = sessionOf(ctx);
            }
            assertEquals(1, pool.idleBrowsers());
            first.tree.main().orElseThrow().destroyForcibly();
            assertEquals(CloseCause.FAILED, first.released.get(10, TimeUnit.SECONDS));

            try (GuardedContext ctx = pool.acquire();
                    GuardedPage page = ctx.newPage()) {
                assertNotSame(first, sessionOf(ctx));
                page.page().navigate(server.url("/ok"));
            }
            assertEquals(2, pool.launches());
            assertEquals(1, pool.browsers());
        }
    }

    @Test
    void aPoolLargerThanTheBrowserQuotaIsRejected() {
        ResourceGuard guard = guards.newGuard(b -> b.quota(ResourceKinds.BROWSER, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrowserPool.create(guard, 3));
        assertTrue(e.getMessage().contains("maxBrowsers (3) exceeds the guard's browser quota (2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrowserPool.create(guard, 0));
    }
}
