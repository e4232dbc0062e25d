package dev.resourceguard.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.PlaywrightException;
import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import dev.resourceguard.ResourceGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches a browser: find Chromium, reap orphans once per guard, take the guard's quota (by tracking the
 * handle first, so that nothing is started while waiting), start a Playwright driver, launch Chromium with
 * the server switches and the marker, and record its processes while they are still descendants of this
 * JVM. A launch that fails or is cancelled half-way closes its handle FAILED (or with the cancel's cause)
 * and leaves nothing behind.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Launcher() {}

    /**
     * Launches a browser as a new handle of {@code guard}. With {@code detach}, the handle is made a root
     * (a pool keeps its browsers across tasks).
     */
    static Handle<BrowserSession> launch(ResourceGuard guard, BrowserOptions options, boolean detach) {
        ChromiumLocator.Choice choice = ChromiumLocator.locate(options.executable());
        if (options.reapOrphans()) {
            OrphanReaper.onceFor(guard, options.killGrace());
        }
        BrowserSession s = new BrowserSession(guard, options, choice);
        Handle<BrowserSession> h = guard.track(s, Specs.BROWSER, options.name(), null);
        if (detach) {
            h.detach();
        }
        s.bind(h);
        try {
            start(s, h);
        } catch (RuntimeException | Error e) {
            s.markDead(CloseCause.FAILED, "launch failed: " + e);
            h.close(CloseCause.FAILED);
            Teardown.closeJavaSide(s);
            if (e instanceof BrowserLaunchException || e instanceof Error) {
                throw e;
            }
            throw new BrowserLaunchException(
                    "[" + guard.config().name() + "] launch of " + h.describe() + " failed: "
                            + Playwrights.firstLine(e),
                    e);
        }
        return h;
    }

    private static void start(BrowserSession s, Handle<BrowserSession> h) {
        s.ownerThread = Thread.currentThread();
        long t0 = System.nanoTime();
        s.playwright = Playwrights.create(s.chromium.isSystem(), s.options.launchTimeout());
        s.tree.driver(Playwrights.driverOf(s.playwright).orElse(null));
        checkLaunchable(s, h);
        launchBrowser(s);
        checkLaunchable(s, h);
        Watcher.watch(s);
        LOG.debug(
                "[{}] launched {} ({}) in {} ms: {}",
                s.guard.config().name(),
                h.describe(),
                s.chromium.source(),
                (System.nanoTime() - t0) / 1_000_000,
                s.tree);
    }

    private static void checkLaunchable(BrowserSession s, Handle<BrowserSession> h) {
        Optional<String> death = s.deathReason();
        if (death.isPresent() || h.state() != HandleState.OPEN) {
            throw new BrowserLaunchException("[" + s.guard.config().name() + "] launch of " + h.describe()
                    + " was stopped: " + death.orElse("its handle is " + h.state()));
        }
    }

    /** Launches Chromium with the session's driver (at first, and again to recycle). */
    static void launchBrowser(BrowserSession s) {
        String guardName = s.guard.config().name();
        long seq = SEQUENCE.incrementAndGet();
        String marker = Marker.ownerSwitch(guardName, seq);
        List<String> args = new ArrayList<>(BrowserOptions.SERVER_ARGS);
        args.addAll(s.options.args());
        args.add(marker);
        BrowserType.LaunchOptions lo = new BrowserType.LaunchOptions()
                .setHeadless(s.options.headless())
                .setArgs(args)
                .setTimeout(BrowserSession.millis(s.options.launchTimeout()));
        s.chromium.executable().ifPresent(lo::setExecutablePath);
        // Chromium's own temporary files (left behind when it is killed) go to a directory of this browser.
        Path tmp = Marker.root().resolve("browser-" + seq);
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new BrowserLaunchException("[" + guardName + "] cannot create " + tmp, e);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TMPDIR", tmp.toString());
        env.put(Marker.ENV, Marker.JVM);
        lo.setEnv(env);
        s.browserTmp = tmp;
        Browser b;
        try {
            b = s.playwright.chromium().launch(lo);
        } catch (PlaywrightException e) {
            throw new BrowserLaunchException(
                    "[" + guardName + "] " + s.chromium.source() + " failed to launch: " + Playwrights.firstLine(e)
                            + (s.chromium.isSystem() ? "" : " (tried: " + s.chromium.describeTried() + ")"),
                    e);
        }
        Optional<ProcessHandle> main = Playwrights.findMain(s.tree.driver(), marker);
        if (main.isPresent()) {
            if (s.tree.driver().isEmpty()) {
                main.get().parent().ifPresent(s.tree::driver);
            }
            s.tree.main(main.get());
            s.userDataDir = ProcFs.cmdline(main.get().pid()).stream()
                    .filter(a -> a.startsWith("--user-data-dir="))
                    .map(a -> Path.of(a.substring("--user-data-dir=".length())))
                    .findFirst()
                    .orElse(null);
        } else {
            LOG.warn(
                    "[{}] cannot find the process of the browser just launched (marker {}); it will be closed"
                            + " through Playwright only",
                    guardName,
                    marker);
        }
        s.launched(b);
    }
}
