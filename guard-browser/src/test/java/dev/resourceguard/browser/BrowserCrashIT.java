package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ResourceKinds;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kill -9} of Chromium or of the Playwright driver: handles close FAILED, nothing is left, the next launch works. */
class BrowserCrashIT {

    @RegisterExtension
    final GuardExtension guards =
            GuardExtension.withConfig(b -> b.quota(ResourceKinds.BROWSER, 1).acquireTimeout(Duration.ofSeconds(2)));

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
    void killingChromiumMidNavigationClosesTheHandlesFailedAndFreesTheQuota(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        HandleView context;
        Handle<?> page;
        List<ProcessHandle> processes = browser.processes();
        ProcessHandle main = browser.browserProcess().orElseThrow();
        AtomicLong killedAt = new AtomicLong();
        long freedAt;
        try (GuardedPage p = browser.newPage()) {
            page = p.handle();
            context = page.owner().orElseThrow();
            String hang = server.hangThen(() -> {
                killedAt.set(System.nanoTime());
                main.destroyForcibly();
            });
            assertThrows(PlaywrightException.class, () -> p.page().navigate(hang));
            freedAt = System.nanoTime();
        }
        browser.close();

        assertEquals(
                CloseCause.FAILED, browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(CloseCause.FAILED, page.closeCause().orElseThrow(), "page");
        assertEquals(CloseCause.FAILED, context.closeCause().orElseThrow(), "context");
        assertEquals(CloseCause.FAILED, browser.handle().closeCause().orElseThrow(), "browser");
        assertEquals(List.of(), Processes.alive(processes));
        System.out.printf(
                "kill -9 of Chromium: blocked navigation freed %d ms after the kill%n",
                (freedAt - killedAt.get()) / 1_000_000);

        // The quota of one browser is free again: the next launch does not wait.
        long t0 = System.nanoTime();
        try (GuardedBrowser next = GuardedBrowser.launch(guard);
                GuardedPage p = next.newPage()) {
            p.page().navigate(server.url("/ok"));
            assertEquals("ok", p.page().title());
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 30_000);
    }

    @Test
    void anIdleBrowserThatDiesIsNoticedWithoutAnyPlaywrightCall(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        GuardedContext context = browser.newContext();
        GuardedPage page = context.newPage();
        page.page().navigate(server.url("/ok"));
        List<ProcessHandle> processes = browser.processes();

        long t0 = System.nanoTime();
        browser.browserProcess().orElseThrow().destroyForcibly();
        assertEquals(
                CloseCause.FAILED, browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        long noticedMillis = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(CloseCause.FAILED, page.handle().closeCause().orElseThrow());
        assertEquals(CloseCause.FAILED, context.handle().closeCause().orElseThrow());
        assertEquals(List.of(), Processes.alive(processes));
        Awaits.await("quota freed").until(() -> guard.stats().open(ResourceKinds.BROWSER) == 0);
        System.out.printf(
                "idle Chromium killed: handles closed FAILED and tree verified gone after %d ms%n", noticedMillis);
        page.close();
        context.close();
        browser.close();
    }

    @Test
    void killingTheDriverReapsTheBrowserTreeAndLeavesNoOrphan(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard);
        GuardedPage page = browser.newPage();
        page.page().navigate(server.url("/ok"));
        List<ProcessHandle> processes = browser.processes();
        Path profile = browser.session().userDataDir().orElseThrow();
        ProcessHandle driver = browser.driverProcess().orElseThrow();

        long t0 = System.nanoTime();
        driver.destroyForcibly();
        assertEquals(
                CloseCause.FAILED, browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        long reapedMillis = (System.nanoTime() - t0) / 1_000_000;

        // Verified gone when released: tight, no waiting. Left alone, Chromium would outlive its driver.
        assertEquals(List.of(), Processes.alive(processes));
        assertEquals(List.of(), Processes.markedBy(Marker.JVM), "no orphan carrying this JVM's marker");
        assertFalse(Files.exists(profile), "profile removed (the dead driver could not)");
        assertEquals(CloseCause.FAILED, page.handle().closeCause().orElseThrow());
        System.out.printf("kill -9 of the driver: browser tree reaped %d ms after the kill%n", reapedMillis);

        // The owner's next call fails at once instead of hanging, and closing finishes the Java side.
        assertThrows(PlaywrightException.class, () -> page.page().title());
        page.close();
        browser.close();
        assertTrue(browser.session().isJavaClosed(), "Playwright closed");
    }
}
