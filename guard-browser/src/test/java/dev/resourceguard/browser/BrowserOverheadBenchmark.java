package dev.resourceguard.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The performance line, measured: launch+close and context+page open/close through the guard
 * against raw Playwright in the same run (alternating, so drift hits both alike), plus the latencies the
 * guard exists for. A measured loop, not JMH: one operation costs 10-1000 ms, so JMH's machinery adds
 * nothing but run time. Not run by the build; run it with
 *
 * <pre>
 * mvn -pl guard-browser -am test-compile
 * java -cp "guard-browser/target/test-classes:guard-browser/target/classes:$(cat cp.txt)" \
 *     dev.resourceguard.browser.BrowserOverheadBenchmark [rounds]
 * </pre>
 *
 * where {@code cp.txt} comes from {@code mvn -pl guard-browser dependency:build-classpath
 * -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}. It prints a Markdown table for
 * docs/benchmarks.md.
 */
public final class BrowserOverheadBenchmark {

    private BrowserOverheadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path chromium =
                ChromiumLocator.locate(java.util.Optional.empty()).executable().orElseThrow();
        List<String> launchArgs = new ArrayList<>(BrowserOptions.SERVER_ARGS);
        try (ResourceGuard guard =
                        ResourceGuard.create(GuardConfig.builder().name("bench").build());
                TestServer server = new TestServer()) {
            // Warm-up: unpack the driver (first create in this JVM, through the guard so its environment sticks),
            // JIT the paths once.
            for (int i = 0; i < 2; i++) {
                GuardedBrowser.launch(guard).close();
                rawLaunchClose(chromium, launchArgs);
            }

            long[] rawLaunch = new long[rounds];
            long[] guardLaunch = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                if (i % 2 == 0) {
                    rawLaunch[i] = rawLaunchClose(chromium, launchArgs);
                    guardLaunch[i] = guardedLaunchClose(guard);
                } else {
                    guardLaunch[i] = guardedLaunchClose(guard);
                    rawLaunch[i] = rawLaunchClose(chromium, launchArgs);
                }
            }

            int pageRounds = rounds * 10;
            long[] ownCost;
            long[] rawPage = new long[pageRounds];
            long[] guardPage = new long[pageRounds];
            Map<String, String> env = new HashMap<>(System.getenv());
            try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(env));
                    GuardedBrowser guarded = GuardedBrowser.launch(guard)) {
                Browser raw = pw.chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(chromium)
                                .setArgs(launchArgs));
                for (int i = 0; i < 5; i++) {
                    rawContextPage(raw);
                    guardedContextPage(guarded);
                }
                for (int i = 0; i < pageRounds; i++) {
                    if (i % 2 == 0) {
                        rawPage[i] = rawContextPage(raw);
                        guardPage[i] = guardedContextPage(guarded);
                    } else {
                        guardPage[i] = guardedContextPage(guarded);
                        rawPage[i] = rawContextPage(raw);
                    }
                }
                ownCost = bookkeeping(raw, pw);
                raw.close();
            }

            int latencyRounds = Math.max(3, rounds / 4);
            long[] deadlineToFree = new long[latencyRounds];
            long[] chromiumKillToFree = new long[latencyRounds];
            long[] driverKillToReaped = new long[latencyRounds];
            long[] idleKillToReleased = new long[latencyRounds];
            for (int i = 0; i < latencyRounds; i++) {
                deadlineToFree[i] = deadlineToFree(guard, server);
                chromiumKillToFree[i] = chromiumKillToFree(guard, server);
                driverKillToReaped[i] = driverKillToReleased(guard);
                idleKillToReleased[i] = idleKillToReleased(guard);
            }

            System.out.printf(
                    Locale.ROOT,
                    "%n| operation | raw Playwright, median (mean) ms | through the guard, median (mean) ms | guard / raw (median) |%n");
            System.out.printf("|---|---:|---:|---:|%n");
            row("launch + close (driver, Chromium)", rawLaunch, guardLaunch);
            row("context + page open/close", rawPage, guardPage);
            System.out.printf(
                    Locale.ROOT,
                    "%nProcess bookkeeping per launch+close (find the browser's process among the driver's children,"
                            + " record its process group, check for survivors, verify gone), timed alone on a live"
                            + " browser of %d processes: median %.2f ms%n",
                    processCount,
                    median(ownCost));
            System.out.printf(
                    Locale.ROOT, "%n| latency (%d runs) | median ms | max ms |%n|---|---:|---:|%n", latencyRounds);
            latency("task deadline (1 s) to blocked navigation freed", deadlineToFree);
            latency("kill -9 of Chromium to blocked navigation freed", chromiumKillToFree);
            latency("kill -9 of the driver to browser tree killed and verified gone", driverKillToReaped);
            latency("kill -9 of an idle Chromium to handles closed FAILED, tree verified gone", idleKillToReleased);
            System.out.printf(
                    "%nrounds=%d (launch), %d (context+page); load average at end: %s%n",
                    rounds,
                    pageRounds,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
    }

    private static int processCount;

    /**
     * The guard's own process work around one launch and close, timed alone on a live browser: find the
     * main process among the driver's children, record the tree by process group, then at close kill the
     * (already gone here, so a no-op) members of the group and verify the tree is gone.
     */
    private static long[] bookkeeping(Browser raw, Playwright pw) {
        ProcessHandle driver = Playwrights.driverOf(pw).orElseThrow();
        ProcessHandle main = driver.children().findFirst().orElseThrow();
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            ProcessTree tree = new ProcessTree();
            tree.driver(driver);
            Playwrights.findMain(Optional.of(driver), "--no-such-marker"); // scans the children as a launch does
            tree.main(main);
            List<ProcessHandle> gone = new ArrayList<>();
            for (ProcessHandle p : tree.browserProcesses()) {
                if (ProcFs.isGone(p)) {
                    gone.add(p);
                }
            }
            ProcessTree.awaitGone(gone, Duration.ofSeconds(1));
            ProcFs.processGroup(main.pid(), 0);
            nanos[i] = System.nanoTime() - t0;
            processCount = tree.all().size();
        }
        return nanos;
    }

    private static long rawLaunchClose(Path chromium, List<String> args) {
        long t0 = System.nanoTime();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        Browser b = pw.chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(chromium)
                        .setArgs(args));
        b.close();
        pw.close();
        return System.nanoTime() - t0;
    }

    private static long guardedLaunchClose(ResourceGuard guard) {
        long t0 = System.nanoTime();
        GuardedBrowser b = GuardedBrowser.launch(guard);
        b.close();
        return System.nanoTime() - t0;
    }

    private static long rawContextPage(Browser browser) {
        long t0 = System.nanoTime();
        BrowserContext c = browser.newContext();
        Page p = c.newPage();
        p.close();
        c.close();
        return System.nanoTime() - t0;
    }

    private static long guardedContextPage(GuardedBrowser browser) {
        long t0 = System.nanoTime();
        GuardedPage p = browser.newPage();
        p.close();
        return System.nanoTime() - t0;
    }

    private static long deadlineToFree(ResourceGuard guard, TestServer server) throws Exception {
        AtomicLong freed = new AtomicLong();
        long[] deadline = new long[1];
        try (GuardedBrowser browser = GuardedBrowser.launch(guard)) {
            try {
                guard.runTask("bench", Duration.ofSeconds(1), () -> {
                    deadline[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    try (GuardedPage page = browser.newPage()) {
                        page.page().navigate(server.hangThen(() -> {}));
                    } catch (PlaywrightException e) {
                        freed.set(System.nanoTime());
                        throw e;
                    }
                    return null;
                });
            } catch (DeadlineExceededException expected) {
                // the point
            }
            browser.whenReleased().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        return freed.get() - deadline[0];
    }

    private static long chromiumKillToFree(ResourceGuard guard, TestServer server) throws Exception {
        AtomicLong killed = new AtomicLong();
        long freed = 0;
        try (GuardedBrowser browser = GuardedBrowser.launch(guard);
                GuardedPage page = browser.newPage()) {
            ProcessHandle main = browser.browserProcess().orElseThrow();
            String url = server.hangThen(() -> {
                killed.set(System.nanoTime());
                main.destroyForcibly();
            });
            try {
                page.page().navigate(url);
            } catch (PlaywrightException expected) {
                freed = System.nanoTime();
            }
        }
        return freed - killed.get();
    }

    private static long driverKillToReleased(ResourceGuard guard) throws Exception {
        try (GuardedBrowser browser = GuardedBrowser.launch(guard)) {
            browser.newPage();
            long t0 = System.nanoTime();
            browser.driverProcess().orElseThrow().destroyForcibly();
            browser.whenReleased().toCompletableFuture().get(20, TimeUnit.SECONDS);
            return System.nanoTime() - t0;
        }
    }

    private static long idleKillToReleased(ResourceGuard guard) throws Exception {
        try (GuardedBrowser browser = GuardedBrowser.launch(guard)) {
            browser.newPage();
            long t0 = System.nanoTime();
            browser.browserProcess().orElseThrow().destroyForcibly();
            browser.whenReleased().toCompletableFuture().get(20, TimeUnit.SECONDS);
            return System.nanoTime() - t0;
        }
    }

    private static void row(String what, long[] raw, long[] guarded) {
        double r = median(raw);
        double g = median(guarded);
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f (%.1f) | %.1f (%.1f) | %.3f |%n",
                what,
                r,
                mean(raw),
                g,
                mean(guarded),
                g / r);
    }

    private static void latency(String what, long[] nanos) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f |%n",
                what,
                median(nanos),
                Arrays.stream(nanos).max().orElse(0) / 1e6);
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0) / 1e6;
    }
}
