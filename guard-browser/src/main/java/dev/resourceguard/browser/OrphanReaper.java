package dev.resourceguard.browser;

import dev.resourceguard.ResourceGuard;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills browsers and drivers left behind by a JVM that died (SIGKILL, OOM killer, a crash), and removes
 * that JVM's temporary directories. It recognises them only by the {@link Marker} this module puts on
 * everything it launches, and only when the JVM the marker names no longer runs: never a process the
 * guard did not launch, never one of a live JVM, never this JVM or its ancestors. Processes started by an
 * orphan (its descendants) go with it.
 *
 * <p>Linux only (it reads {@code /proc}); elsewhere it finds nothing. A {@code /tmp} shared between PID
 * namespaces (containers) can hold roots of JVMs that run but are invisible here: reaping assumes that
 * the processes of whoever shares the temp directory are visible.
 */
final class OrphanReaper {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedBrowser.class);
    private static final Set<ResourceGuard> REAPED = Collections.newSetFromMap(new WeakHashMap<>());

    private OrphanReaper() {}

    /** Reaps once per guard (at its first launch). */
    static void onceFor(ResourceGuard guard, Duration grace) {
        synchronized (REAPED) {
            if (!REAPED.add(guard)) {
                return;
            }
        }
        ReapReport r = reap(grace);
        if (!r.isEmpty()) {
            LOG.info(
                    "[{}] reaped what a dead JVM left: killed {}, could not kill {}, removed {}",
                    guard.config().name(),
                    r.killed(),
                    r.survivors(),
                    r.removedDirectories());
        }
    }

    static ReapReport reap(Duration grace) {
        if (!ProcFs.AVAILABLE) {
            return new ReapReport(List.of(), List.of(), List.of());
        }
        Set<Long> untouchable = new HashSet<>();
        for (ProcessHandle p = ProcessHandle.current();
                p != null;
                p = p.parent().orElse(null)) {
            untouchable.add(p.pid());
        }
        Map<String, Boolean> running = new HashMap<>();
        Map<Long, String> orphans = new LinkedHashMap<>();
        for (long pid : ProcFs.pids()) {
            if (untouchable.contains(pid)) {
                continue;
            }
            Optional<String> owner = Marker.jvmOf(ProcFs.cmdline(pid));
            if (owner.isEmpty()) {
                owner = ProcFs.environ(pid, Marker.ENV);
            }
            if (owner.isPresent() && !running.computeIfAbsent(owner.get(), Marker::isRunning)) {
                orphans.put(pid, owner.get());
            }
        }
        Map<Long, ProcessHandle> victims = new LinkedHashMap<>();
        for (long pid : orphans.keySet()) {
            ProcessHandle.of(pid).ifPresent(p -> {
                victims.put(p.pid(), p);
                p.descendants().forEach(d -> victims.putIfAbsent(d.pid(), d));
            });
        }
        victims.keySet().removeAll(untouchable);
        victims.values().forEach(ProcessHandle::destroyForcibly);
        List<ProcessHandle> survivors = ProcessTree.awaitGone(new ArrayList<>(victims.values()), grace);
        List<Long> killed = new ArrayList<>(victims.keySet());
        List<Long> stayed = survivors.stream().map(ProcessHandle::pid).toList();
        killed.removeAll(stayed);

        List<Path> removed = new ArrayList<>();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmp, Marker.ROOT_PREFIX + "*")) {
            for (Path root : dir) {
                Optional<String> owner = Marker.jvmOfRoot(root);
                if (owner.isPresent()
                        && !running.computeIfAbsent(owner.get(), Marker::isRunning)
                        && !usedByLiveProcess(root)
                        && Marker.deleteRecursively(root)) {
                    removed.add(root);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("listing {} for orphaned browser directories failed", tmp, e);
        }
        if (!stayed.isEmpty()) {
            LOG.warn("orphaned browser processes survived SIGKILL for {} ms: {}", grace.toMillis(), stayed);
        }
        return new ReapReport(killed, stayed, removed);
    }

    private static boolean usedByLiveProcess(Path root) {
        String path = root.toString();
        for (long pid : ProcFs.pids()) {
            for (String arg : ProcFs.cmdline(pid)) {
                if (arg.contains(path)) {
                    return !ProcFs.stat(pid).map(ProcFs.Stat::isDead).orElse(true);
                }
            }
        }
        return false;
    }
}
