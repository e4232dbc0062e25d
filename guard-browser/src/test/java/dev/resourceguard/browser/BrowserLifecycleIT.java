package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import dev.resourceguard.CloseCause;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ResourceKinds;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Launch, pages, contexts, timeouts, recycling, quotas and closing from the wrong thread, on real Chromium. */
class BrowserLifecycleIT {

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

    @Test
    void launchesNavigatesAndClosesEveryProcess(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        List<ProcessHandle> processes;
        Path profile;
        try (GuardedPage page = browser.newPage()) {
            page.page().navigate(server.url("/ok"));
            assertEquals("ok", page.page().title());

            processes = browser.processes();
            assertTrue(browser.driverProcess().isPresent(), "driver found");
            assertTrue(browser.browserProcess().isPresent(), "browser process found");
            assertTrue(processes.size() >= 3, "driver, browser and its helpers: " + processes);
            assertEquals(browser.driverProcess().get(), processes.get(0));
            profile = browser.session().userDataDir().orElseThrow();
            assertTrue(profile.startsWith(Marker.root()), "profile in the marked root: " + profile);
            assertTrue(Files.isDirectory(profile));
            long rss = browser.residentBytes();
            assertTrue(rss > 20L << 20 && rss < 4L << 30, "resident size plausible: " + rss);
            assertEquals(rss, browser.handle().costBytes(), rss / 2.0, "cost estimate is the resident size");

            HandleView pageHandle = page.handle();
            assertEquals(ResourceKinds.PAGE, pageHandle.kind());
            HandleView context = pageHandle.owner().orElseThrow();
            assertEquals(ResourceKinds.CONTEXT, context.kind());
            assertEquals(browser.handle().id(), context.owner().orElseThrow().id());
        }
        browser.close();

        assertEquals(
                CloseCause.COMPLETED,
                browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), Processes.alive(processes));
        assertFalse(Files.exists(profile), "profile removed");
        assertEquals(List.of(), guard.openHandles());
    }

    @Test
    void closingTheBrowserClosesItsContextsAndPagesAsCompletedNotLeaked(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        GuardedContext context = browser.newContext();
        GuardedPage first = context.newPage();
        GuardedPage second = context.newPage();
        GuardedPage own = browser.newPage();
        first.page().navigate(server.url("/ok"));

        browser.close();

        for (var h : List.of(context.handle(), first.handle(), second.handle(), own.handle(), browser.handle())) {
            assertEquals(HandleState.CLOSED, h.state(), h.describe());
            assertEquals(CloseCause.COMPLETED, h.closeCause().orElseThrow(), h.describe());
        }
        assertTrue(first.page().isClosed());
        assertEquals(0, guard.stats().closed(ResourceKinds.PAGE, CloseCause.LEAKED));
    }

    @Test
    void defaultTimeoutsComeFromTheOptionsAndLeaveThePageUsable(ResourceGuard guard) {
        BrowserOptions options = BrowserOptions.builder()
                .navigationTimeout(Duration.ofMillis(500))
                .actionTimeout(Duration.ofMillis(300))
                .build();
        try (GuardedBrowser browser = GuardedBrowser.launch(guard, options);
                GuardedPage page = browser.newPage()) {
            long t0 = System.nanoTime();
            assertThrows(TimeoutError.class, () -> page.page().navigate(server.url("/hang")));
            long navMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(navMillis >= 450 && navMillis < 5_000, "navigation timed out after " + navMillis + " ms");

            page.page().navigate(server.url("/ok"));
            t0 = System.nanoTime();
            assertThrows(TimeoutError.class, () -> page.page().click("#missing"));
            long clickMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(clickMillis >= 250 && clickMillis < 5_000, "click timed out after " + clickMillis + " ms");
            assertEquals("ok", page.page().title());
        }
    }

    @Test
    void aPageClosedThroughPlaywrightClosesItsHandle(ResourceGuard guard) {
        try (GuardedBrowser browser = GuardedBrowser.launch(guard);
                GuardedContext context = browser.newContext()) {
            GuardedPage page = context.newPage();
            page.page().close();
            assertEquals(HandleState.CLOSED, page.handle().state());
            assertEquals(CloseCause.COMPLETED, page.handle().closeCause().orElseThrow());
            assertTrue(context.isOpen());
        }
    }

    @Test
    void recyclesTheBrowserAfterItsPageBudgetKeepingTheHandle(ResourceGuard guard) throws Exception {
        BrowserOptions options = BrowserOptions.builder().recycleAfterPages(2).build();
        try (GuardedBrowser browser = GuardedBrowser.launch(guard, options)) {
            ProcessHandle firstMain = browser.browserProcess().orElseThrow();
            List<ProcessHandle> firstTree = browser.session().tree.browserProcesses();
            for (int i = 0; i < 2; i++) {
                try (GuardedPage page = browser.newPage()) {
                    page.page().navigate(server.url("/ok"));
                }
            }
            assertEquals(0, browser.recycles());
            try (GuardedPage page = browser.newPage()) {
                page.page().navigate(server.url("/ok"));
                assertEquals("ok", page.page().title());
            }
            assertEquals(1, browser.recycles());
            assertNotEquals(
                    firstMain.pid(), browser.browserProcess().orElseThrow().pid());
            assertEquals(List.of(), Processes.alive(firstTree), "the first browser's processes are gone");
            assertTrue(browser.isOpen());
            assertEquals(3, browser.pagesOpened());
        }
    }

    @Test
    void closingFromAnotherThreadKillsTheProcessesWithoutCallingPlaywright(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        GuardedPage page = browser.newPage();
        page.page().navigate(server.url("/ok"));
        List<ProcessHandle> processes = browser.processes();

        CompletableFuture.runAsync(browser::close).get(20, TimeUnit.SECONDS);

        assertEquals(
                CloseCause.COMPLETED,
                browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), Processes.alive(processes));
        assertEquals(HandleState.CLOSED, page.handle().state());
        // The owner finds the browser gone, and its own close finishes the Java side.
        assertThrows(PlaywrightException.class, () -> page.page().navigate(server.url("/ok")));
        page.close();
        browser.close();
    }

    @Test
    void theBrowserQuotaBoundsLaunches() {
        ResourceGuard guard =
                guards.newGuard(b -> b.quota(ResourceKinds.BROWSER, 1).acquireTimeout(Duration.ofMillis(300)));
        try (GuardedBrowser first = GuardedBrowser.launch(guard)) {
            long t0 = System.nanoTime();
            QuotaExceededException e = assertThrows(QuotaExceededException.class, () -> GuardedBrowser.launch(guard));
            assertTrue(e.getMessage().contains("browser quota of 1"), e.getMessage());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "waited for the quota, launched nothing");
            assertTrue(first.isOpen());
        }
        // Closing released the permit: taking it again does not wait (a launch would; see BrowserCrashIT).
        try (var permit = guard.track("probe", HandleSpec.of(ResourceKinds.BROWSER))) {
            assertEquals(HandleState.OPEN, permit.state());
        }
    }

    @Test
    void aBrowserStillOpenWhenItsTaskEndsIsClosedAsLeaked(ResourceGuard guard) throws Exception {
        GuardedBrowser[] escaped = new GuardedBrowser[1];
        guard.runTask("forgetful", Duration.ofSeconds(30), () -> {
            escaped[0] = GuardedBrowser.launch(guard);
            escaped[0].newPage().page().navigate(server.url("/ok"));
            return null;
        });
        GuardedBrowser browser = escaped[0];
        assertEquals(
                CloseCause.LEAKED, browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), Processes.alive(browser.processes()));
        assertSame(HandleState.CLOSED, browser.handle().state());
    }

    @Test
    void aBrowserDroppedWithoutCloseIsCollectedReportedAsLeakedAndKilled(ResourceGuard guard) throws Exception {
        BrowserSession session = launchAndDrop(guard);
        List<ProcessHandle> processes = session.tree.all();
        Awaits.await("the dropped browser was collected and released")
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    System.gc();
                    return session.released.isDone();
                });
        assertEquals(CloseCause.LEAKED, session.released.get());
        assertEquals(List.of(), Processes.alive(processes));
    }

    /** Launches a browser with a page and keeps nothing that refers to their handles. */
    private static BrowserSession launchAndDrop(ResourceGuard guard) {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        browser.newPage().page().navigate(server.url("/ok"));
        return browser.session();
    }
}
