package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.test.Awaits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The /proc readings the module relies on, the marker, and the reaper's restraint. No browser is launched. */
class ProcFsTest {

    @Test
    void readsThisJvmsStat() {
        ProcFs.Stat s = ProcFs.stat(ProcessHandle.current().pid()).orElseThrow();
        assertTrue("RS".indexOf(s.state()) >= 0, "running or sleeping: " + s);
        assertTrue(s.startTicks() > 0);
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), s.ppid());
        assertEquals(Marker.PID + "-" + s.startTicks(), Marker.JVM);
        assertTrue(ProcFs.memory(Marker.PID).rss() > 0);
        assertEquals(Optional.empty(), ProcFs.stat(Long.MAX_VALUE / 2));
    }

    @Test
    void tellsAZombieFromALiveProcessWhichTheJdkCannot() throws Exception {
        // The shell forks a short sleep, then becomes a long sleep that never reaps it: a zombie.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.05 & exec sleep 30").start();
        try {
            ProcessHandle child = Awaits.await()
                    .until(() -> parent.toHandle().children().findFirst(), Optional::isPresent)
                    .orElseThrow();
            Awaits.await("the child became a zombie").until(() -> ProcFs.isZombie(child.pid()));
            assertTrue(child.isAlive(), "the JDK thinks a zombie is alive");
            assertTrue(ProcFs.isGone(child), "a zombie counts as gone");
            assertFalse(ProcFs.isGone(parent.toHandle()));
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    @Test
    void readsMarkersFromCommandLines() {
        assertEquals(
                Optional.of("123-456"),
                Marker.jvmOf(List.of("/usr/lib/chromium/chromium", "--resourceguard-owner=123-456/my-guard/7")));
        assertEquals(
                Optional.of("12-34"),
                Marker.jvmOf(List.of(
                        "chromium",
                        "--type=renderer",
                        "--user-data-dir=/tmp/resourceguard-chromium-12-34/playwright_chromiumdev_profile-x")));
        assertEquals(Optional.empty(), Marker.jvmOf(List.of("chromium", "--user-data-dir=/tmp/other")));
        assertEquals(Optional.of("9-8"), Marker.jvmOfRoot(Path.of("/tmp/resourceguard-chromium-9-8")));
        assertEquals(Optional.empty(), Marker.jvmOfRoot(Path.of("/tmp/resourceguard-chromium-x")));
        assertTrue(Marker.isRunning(Marker.JVM));
        assertFalse(Marker.isRunning("999999999-5"), "no such pid");
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        long parentStart = ProcFs.stat(parent).orElseThrow().startTicks();
        assertTrue(Marker.isRunning(parent + "-" + parentStart));
        assertFalse(Marker.isRunning(parent + "-" + (parentStart + 1)), "same pid, another start: a reused pid");
    }

    @Test
    void theReaperKillsOnlyProcessesMarkedByADeadJvm() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        String liveOtherJvm = parent + "-" + ProcFs.stat(parent).orElseThrow().startTicks();
        Process orphan = marked("999999999-1");
        Process ours = marked(Marker.JVM);
        Process othersLive = marked(liveOtherJvm);
        Process unmarked = new ProcessBuilder("sh", "-c", "sleep 30").start();
        try {
            ProcessHandle orphanChild = Awaits.await()
                    .until(() -> orphan.toHandle().children().findFirst(), Optional::isPresent)
                    .orElseThrow();

            ReapReport report = OrphanReaper.reap(Duration.ofSeconds(2));

            assertTrue(report.killed().contains(orphan.pid()), "the orphan: " + report);
            assertTrue(report.killed().contains(orphanChild.pid()), "and what it started: " + report);
            assertTrue(ProcFs.isGone(orphan.toHandle()));
            for (Process p : List.of(ours, othersLive, unmarked)) {
                assertFalse(report.killed().contains(p.pid()), "spared " + p.pid() + ": " + report);
                assertTrue(p.isAlive());
            }
        } finally {
            for (Process p : List.of(orphan, ours, othersLive, unmarked)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    /** A shell (with a child) whose command line carries a browser marker naming {@code jvm}. */
    private static Process marked(String jvm) throws Exception {
        return new ProcessBuilder("sh", "-c", "sleep 30; true", "--resourceguard-owner=" + jvm + "/test/1").start();
    }
}
