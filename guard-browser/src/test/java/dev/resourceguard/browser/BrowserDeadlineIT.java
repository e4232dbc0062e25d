package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A navigation to a server that never answers, with Playwright's own timeout at 10 minutes, inside a task
 * with a deadline of 1 s: the deadline kills the browser, the blocked call returns, the task ends
 * TIMED_OUT, and no process of that browser remains.
 */
class BrowserDeadlineIT {

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final BrowserOptions PATIENT =
            BrowserOptions.builder().navigationTimeout(Duration.ofMinutes(10)).build();

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
    void aTaskDeadlineEndsANavigationThatNeverAnswers(ResourceGuard guard) throws Exception {
        GuardedBrowser browser = GuardedBrowser.launch(guard, PATIENT);
        List<ProcessHandle> processes = browser.processes();
        Path profile = browser.session().userDataDir().orElseThrow();
        AtomicReference<HandleView> task = new AtomicReference<>();
        AtomicLong freedAt = new AtomicLong();
        AtomicReference<Throwable> navigationFailure = new AtomicReference<>();

        // A cold browser's first page and navigation can take most of a second on a loaded machine: warm it
        // up, so the 1 s deadline below is spent blocked in the navigation, which is what this test is about.
        try (GuardedPage warm = browser.newPage()) {
            warm.page().navigate(server.url("/ok"));
        }
        AtomicBoolean reached = new AtomicBoolean();
        String hang = server.hangThen(() -> reached.set(true));
        long start = System.nanoTime();
        DeadlineExceededException e = assertThrows(
                DeadlineExceededException.class,
                () -> guard.runTask("crawl", DEADLINE, () -> {
                    task.set(guard.currentOwner().orElseThrow());
                    try (GuardedPage page = browser.newPage()) {
                        page.page().navigate(hang);
                    } catch (PlaywrightException failure) {
                        freedAt.set(System.nanoTime());
                        navigationFailure.set(failure);
                        throw failure;
                    }
                    return null;
                }));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMillis < 3_000, "task ended " + tookMillis + " ms after it started");
        assertEquals(CloseCause.TIMED_OUT, task.get().closeCause().orElseThrow());
        assertInstanceOf(PlaywrightException.class, e.getCause());
        assertTrue(reached.get(), "the navigation reached the server");
        long freedAfterDeadline = (freedAt.get() - start) / 1_000_000 - DEADLINE.toMillis();
        System.out.printf(
                "deadline: task ended after %d ms; navigation freed %d ms after the deadline (%s)%n",
                tookMillis, freedAfterDeadline, Playwrights.firstLine(navigationFailure.get()));

        // The browser was killed to free the call: it closes with the task's cause, and nothing of it remains.
        assertEquals(
                CloseCause.TIMED_OUT,
                browser.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), Processes.alive(processes));
        assertFalse(Files.exists(profile), "profile removed");
        browser.close();
        assertEquals(List.of(), guard.openHandles());
    }

    @Test
    @SuppressWarnings("try") // the scope only has to be open
    void aBrowserLaunchedInsideTheTaskIsKilledWithIt(ResourceGuard guard) throws Exception {
        List<ProcessHandle> processes = new ArrayList<>();
        GuardedBrowser launched = null;
        PlaywrightException failure = null;
        long navigationStarted = 0;
        Handle<String> task = guard.openTask("crawl", Duration.ofMinutes(1));
        try (Scope ignored = task.enter()) {
            try (GuardedBrowser browser = GuardedBrowser.launch(guard, PATIENT);
                    GuardedPage page = browser.newPage()) {
                launched = browser;
                processes.addAll(browser.processes());
                task.setTimeout(DEADLINE); // launching took part of the minute: one second from now
                navigationStarted = System.nanoTime();
                page.page().navigate(server.url("/hang"));
            } catch (PlaywrightException e) {
                failure = e;
            }
        } finally {
            task.close(failure == null ? CloseCause.COMPLETED : CloseCause.FAILED);
        }
        long tookMillis = (System.nanoTime() - navigationStarted) / 1_000_000;

        assertTrue(failure != null, "the navigation was freed");
        assertTrue(tookMillis < 3_000, "task ended " + tookMillis + " ms after its deadline was set");
        assertEquals(CloseCause.TIMED_OUT, task.closeCause().orElseThrow());
        assertEquals(
                CloseCause.TIMED_OUT,
                launched.whenReleased().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), Processes.alive(processes));
    }
}
