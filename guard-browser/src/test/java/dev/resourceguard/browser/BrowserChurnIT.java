package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 50 launch/close cycles, most of them ending badly in one of several ways, in a random order (the seed is
 * printed; {@code -Dchurn.seed=...} repeats a run). After each cycle the browser's processes are gone;
 * after all of them no Chromium or driver process is left, counted both among this JVM's descendants and
 * by the marker, and no handle is open.
 */
class BrowserChurnIT {

    private static final int CYCLES = 50;
    private static final int WORKERS = 2;

    enum Ending {
        CLOSED,
        USER_CODE_THREW,
        CHROMIUM_KILLED_MID_NAVIGATION,
        DRIVER_KILLED,
        TASK_DEADLINE,
        LEFT_OPEN_BY_A_TASK,
        CLOSED_BY_ANOTHER_THREAD_MID_NAVIGATION
    }

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

    @Test
    void fiftyCyclesWithRandomFailuresLeaveNothingBehind(ResourceGuard guard) throws Exception {
        long seed = Long.getLong("churn.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Ending> endings = new ArrayList<>();
        for (int i = 0; i < CYCLES; i++) {
            endings.add(Ending.values()[i % Ending.values().length]);
        }
        Collections.shuffle(endings, random);
        System.out.println("churn seed " + seed + ": " + endings);

        // Two threads, each with its own browsers (Playwright's threading rule), to halve the wall time.
        Map<Ending, CloseCause> causes = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            List<Ending> mine = new ArrayList<>();
            for (int i = w; i < CYCLES; i += WORKERS) {
                mine.add(endings.get(i));
            }
            workers.add(CompletableFuture.runAsync(
                    () -> {
                        for (Ending ending : mine) {
                            try {
                                GuardedBrowser browser = cycle(guard, ending);
                                CloseCause cause = browser.whenReleased()
                                        .toCompletableFuture()
                                        .get(20, TimeUnit.SECONDS);
                                causes.putIfAbsent(ending, cause);
                                browser.close(); // finishes the Java side where another thread released the browser
                                assertEquals(List.of(), Processes.alive(browser.processes()), ending.toString());
                            } catch (Exception e) {
                                throw new AssertionError(ending + " failed", e);
                            }
                        }
                    },
                    runnable -> {
                        Thread t = new Thread(runnable, "churn");
                        t.start();
                    }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        System.out.printf(
                "churn: %d cycles on %d threads in %d ms; first close cause per ending: %s%n",
                CYCLES, WORKERS, (System.nanoTime() - start) / 1_000_000, causes);

        assertEquals(CloseCause.COMPLETED, causes.get(Ending.CLOSED));
        assertEquals(CloseCause.FAILED, causes.get(Ending.CHROMIUM_KILLED_MID_NAVIGATION));
        assertEquals(CloseCause.FAILED, causes.get(Ending.DRIVER_KILLED));
        assertEquals(CloseCause.TIMED_OUT, causes.get(Ending.TASK_DEADLINE));
        assertEquals(CloseCause.LEAKED, causes.get(Ending.LEFT_OPEN_BY_A_TASK));

        Awaits.await("no Chromium or driver among this JVM's descendants")
                .until(() -> Processes.leftoverDescendants().isEmpty());
        assertEquals(List.of(), Processes.markedBy(Marker.JVM), "no process carries this JVM's marker");
        Awaits.await("no open handle").until(() -> guard.openHandles().isEmpty());
        assertEquals(List.of(), leftoverProfiles(), "no browser profile or temp directory left");
    }

    private GuardedBrowser cycle(ResourceGuard guard, Ending ending) throws Exception {
        switch (ending) {
            case LEFT_OPEN_BY_A_TASK -> {
                GuardedBrowser[] escaped = new GuardedBrowser[1];
                guard.runTask("forgetful", Duration.ofSeconds(60), () -> {
                    escaped[0] = GuardedBrowser.launch(guard);
                    escaped[0].newPage();
                    return null;
                });
                return escaped[0];
            }
            case TASK_DEADLINE -> {
                GuardedBrowser browser = GuardedBrowser.launch(guard);
                assertThrows(
                        DeadlineExceededException.class,
                        () -> guard.runTask("slow", Duration.ofMillis(300), () -> {
                            try (GuardedPage page = browser.newPage()) {
                                page.page().navigate(server.hangThen(() -> {}));
                            }
                            return null;
                        }));
                return browser;
            }
            default -> {
                GuardedBrowser browser = GuardedBrowser.launch(guard);
                try (browser;
                        GuardedPage page = browser.newPage()) {
                    switch (ending) {
                        case CLOSED -> {
                            page.page().navigate(server.url("/ok"));
                            assertEquals("ok", page.page().title());
                        }
                        case USER_CODE_THREW -> assertThrows(IllegalStateException.class, () -> {
                            try (GuardedPage more = browser.newPage()) {
                                throw new IllegalStateException("user code failed on " + more);
                            }
                        });
                        case CHROMIUM_KILLED_MID_NAVIGATION -> {
                            ProcessHandle main = browser.browserProcess().orElseThrow();
                            String url = server.hangThen(main::destroyForcibly);
                            assertThrows(
                                    PlaywrightException.class, () -> page.page().navigate(url));
                        }
                        case DRIVER_KILLED -> {
                            browser.driverProcess().orElseThrow().destroyForcibly();
                            browser.whenReleased().toCompletableFuture().get(20, TimeUnit.SECONDS);
                            assertThrows(
                                    PlaywrightException.class, () -> page.page().title());
                        }
                        case CLOSED_BY_ANOTHER_THREAD_MID_NAVIGATION -> {
                            String url = server.hangThen(() -> CompletableFuture.runAsync(browser::close));
                            assertThrows(
                                    PlaywrightException.class, () -> page.page().navigate(url));
                        }
                        default -> throw new AssertionError(ending);
                    }
                }
                return browser;
            }
        }
    }

    private static List<Path> leftoverProfiles() throws IOException {
        try (Stream<Path> s = Files.list(Marker.root())) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith("playwright_chromiumdev_profile-") || n.startsWith("browser-");
                    })
                    .toList();
        }
    }
}
