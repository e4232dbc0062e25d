package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A child JVM opens a browser under a guard with its shutdown hook on. SIGTERM: the hook closes the
 * browser, and when the JVM has exited no Chromium is left. SIGKILL: nothing in the JVM runs; the next
 * guard's first launch reaps what it left.
 */
class BrowserShutdownIT {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    /** This JVM's unpacked Playwright driver, which the children reuse instead of unpacking 130 MB each. */
    private static String driverDir;

    private final List<Process> children = new ArrayList<>();
    private final List<Long> childPids = new ArrayList<>();

    @BeforeAll
    static void findTheDriver() {
        try (ResourceGuard guard = ResourceGuard.create(
                        GuardConfig.builder().name("find-driver").build());
                GuardedBrowser browser = GuardedBrowser.launch(guard)) {
            List<String> cmd =
                    ProcFs.cmdline(browser.driverProcess().orElseThrow().pid());
            driverDir = new File(cmd.get(0)).getParent();
        }
    }

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        for (long pid : childPids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Awaits.await("no Chromium or driver left")
                .until(() -> Processes.leftoverDescendants().isEmpty());
    }

    @Test
    void sigtermWithTheShutdownHookLeavesNoChromium() throws Exception {
        Child child = startChild("browser-child-term");

        long t0 = System.nanoTime();
        child.process.destroy(); // SIGTERM
        assertTrue(child.process.waitFor(60, TimeUnit.SECONDS), "child exited");
        long exitMillis = (System.nanoTime() - t0) / 1_000_000;

        // Checked the moment the JVM is gone, without waiting: the hook killed and verified everything.
        assertEquals(List.of(), Processes.alivePids(child.pids), "processes of the child's browser");
        assertEquals(List.of(), Processes.markedBy(child.identity()), "processes carrying the child's marker");
        assertFalse(Files.exists(child.profile), "profile removed");
        System.out.printf(
                "SIGTERM: child JVM and its browser gone %d ms after the signal (exit %d)%n",
                exitMillis, child.process.exitValue());
    }

    @Test
    void sigkillLeavesAHungBrowserThatTheNextGuardStartReaps() throws Exception {
        Child child = startChild("browser-child-kill");

        // A browser that hangs (SIGSTOP here) cannot exit on its own when its driver dies, and a JVM killed
        // with SIGKILL (with its driver: the OOM killer, `kill -9` of a process group) runs no hook: this is
        // the leftover the users pile up. Stop the child first so that its watcher cannot react.
        Processes.signal("STOP", child.jvm, child.browser);
        Processes.signal("KILL", child.driver, child.jvm);
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "child killed");
        assertFalse(Processes.alivePids(List.of(child.browser)).isEmpty(), "the orphaned browser is still there");

        ResourceGuard next = guards.newGuard(b -> b.name("browser-child-kill"));
        long t0 = System.nanoTime();
        ReapReport reaped;
        try (GuardedBrowser browser = GuardedBrowser.launch(next)) { // a guard's first launch reaps
            reaped = GuardedBrowser.reapOrphans(); // nothing left for an explicit second pass
            assertTrue(reaped.killed().isEmpty(), "second pass found nothing: " + reaped);
            assertTrue(browser.isOpen());
        }
        long reapMillis = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(List.of(), Processes.alivePids(child.pids), "processes of the dead child's browser");
        assertEquals(List.of(), Processes.markedBy(child.identity()));
        assertFalse(Files.exists(child.root), "the dead JVM's temp root removed");
        System.out.printf(
                "SIGKILL: orphaned browser reaped by the next guard's first launch (%d ms incl. launch)%n", reapMillis);
    }

    @Test
    void sigkillAloneLeavesTempDirectoriesThatTheNextStartRemoves() throws Exception {
        Child child = startChild("browser-child-kill9");

        child.process.destroyForcibly(); // SIGKILL of the JVM only: its driver then kills the browser itself
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "child killed");
        Awaits.await("the driver of the dead JVM took its browser down")
                .atMost(Duration.ofSeconds(20))
                .until(() -> Processes.alivePids(child.pids).isEmpty());
        assertTrue(Files.exists(child.root), "a JVM killed with SIGKILL leaves its temp root");

        ReapReport reaped = GuardedBrowser.reapOrphans();
        assertTrue(reaped.removedDirectories().contains(child.root), "removed: " + reaped);
        assertFalse(Files.exists(child.root));
    }

    /** A started child JVM and what it printed. */
    private static final class Child {
        Process process;
        long jvm;
        long driver;
        long browser;
        List<Long> pids;
        Path profile;
        Path root;

        String identity() {
            String name = root.getFileName().toString();
            return name.substring(Marker.ROOT_PREFIX.length());
        }
    }

    private Child startChild(String guardName) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        cmd.add("-Dplaywright.cli.dir=" + driverDir);
        cmd.add(BrowserChildMain.class.getName());
        cmd.add(guardName);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        children.add(p);
        childPids.add(p.pid());

        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String line = ready.get(90, TimeUnit.SECONDS);
        assertTrue(line != null, "child printed READY");
        Map<String, String> fields = new HashMap<>();
        for (String part : line.substring(6).split(" ")) {
            int eq = part.indexOf('=');
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        Child c = new Child();
        c.process = p;
        c.jvm = Long.parseLong(fields.get("jvm"));
        c.driver = Long.parseLong(fields.get("driver"));
        c.browser = Long.parseLong(fields.get("browser"));
        c.pids = Arrays.stream(fields.get("pids").split(","))
                .map(Long::parseLong)
                .toList();
        c.profile = Path.of(fields.get("profile"));
        c.root = Path.of(fields.get("root"));
        childPids.addAll(c.pids);
        // Keep draining the child's output so that it never blocks on a full pipe.
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
        return c;
    }
}
