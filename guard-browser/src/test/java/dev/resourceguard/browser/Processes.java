package dev.resourceguard.browser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Counts and signals processes for the tests (Linux {@code /proc}). */
final class Processes {

    private Processes() {}

    /** Live (not zombie) Chromium or Playwright driver processes among this JVM's descendants. */
    static List<String> leftoverDescendants() {
        List<String> list = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(p -> {
            String cmd = String.join(" ", ProcFs.cmdline(p.pid()));
            boolean browserish = cmd.contains("chromium") || cmd.contains("chrome") || cmd.contains("run-driver");
            if (browserish && !ProcFs.isGone(p)) {
                list.add(describe(p.pid()));
            }
        });
        return list;
    }

    /** Live processes anywhere whose marker names the JVM {@code identity}. */
    static List<String> markedBy(String identity) {
        List<String> list = new ArrayList<>();
        for (long pid : ProcFs.pids()) {
            Optional<String> owner = Marker.jvmOf(ProcFs.cmdline(pid));
            if (owner.isEmpty()) {
                owner = ProcFs.environ(pid, Marker.ENV);
            }
            if (owner.isPresent()
                    && owner.get().equals(identity)
                    && !ProcFs.stat(pid).map(ProcFs.Stat::isDead).orElse(true)) {
                list.add(describe(pid));
            }
        }
        return list;
    }

    /** The processes that are not gone (zombies count as gone). */
    static List<String> alive(Collection<ProcessHandle> processes) {
        return processes.stream()
                .filter(p -> !ProcFs.isGone(p))
                .map(p -> describe(p.pid()))
                .toList();
    }

    static List<String> alivePids(Collection<Long> pids) {
        List<String> list = new ArrayList<>();
        for (long pid : pids) {
            if (ProcFs.stat(pid).map(s -> !s.isDead()).orElse(false)) {
                list.add(describe(pid));
            }
        }
        return list;
    }

    static String describe(long pid) {
        String cmd = String.join(" ", ProcFs.cmdline(pid));
        return pid + " [" + ProcFs.stat(pid).map(s -> String.valueOf(s.state())).orElse("gone") + "] "
                + (cmd.length() > 120 ? cmd.substring(0, 120) + "..." : cmd);
    }

    /** Sends a signal with {@code kill(1)} (Java can send only TERM and KILL). */
    static void signal(String signal, long... pids) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (long pid : pids) {
            cmd.add(Long.toString(pid));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
