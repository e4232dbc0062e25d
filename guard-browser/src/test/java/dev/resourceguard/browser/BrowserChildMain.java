package dev.resourceguard.browser;

import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import java.util.stream.Collectors;

/**
 * The child JVM of {@link BrowserShutdownIT}: opens a browser under a guard whose shutdown hook is on,
 * prints one line {@code READY jvm=<pid> driver=<pid> browser=<pid> pids=<pid,...> profile=<dir>}, and
 * waits to be signalled.
 */
public final class BrowserChildMain {

    private BrowserChildMain() {}

    public static void main(String[] args) throws Exception {
        String guardName = args.length > 0 ? args[0] : "browser-child";
        ResourceGuard guard = ResourceGuard.create(
                GuardConfig.builder().name(guardName).shutdownHook(true).build());
        GuardedBrowser browser = GuardedBrowser.launch(
                guard, BrowserOptions.builder().reapOrphans(false).build());
        GuardedPage page = browser.newPage();
        page.page().navigate("data:text/html,<title>child</title><h1>child</h1>");
        String pids =
                browser.processes().stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(","));
        System.out.println("READY jvm=" + ProcessHandle.current().pid()
                + " driver=" + browser.driverProcess().orElseThrow().pid()
                + " browser=" + browser.browserProcess().orElseThrow().pid()
                + " pids=" + pids
                + " profile=" + browser.session().userDataDir().orElseThrow()
                + " root=" + Marker.root());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
