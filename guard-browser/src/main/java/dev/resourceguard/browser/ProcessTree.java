package dev.resourceguard.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The processes of one browser: the Playwright driver ({@code node}, a child of this JVM) and the
 * browser's tree (its main process, which leads its own process group, and every process it started).
 *
 * <p>Handles are recorded while the processes are still descendants of this JVM: once the driver dies
 * the browser is orphaned and drops out of {@link ProcessHandle#descendants()}. Members found later (new
 * renderers) are added when the tree is refreshed: by descendants of the main process and by its process
 * group, which also finds processes that were re-parented after their parent died.
 *
 * <p>Thread-safe; kills are idempotent and never call Playwright.
 */
final class ProcessTree {

    private volatile ProcessHandle driver;
    private volatile ProcessHandle main;
    private volatile long mainStartTicks;
    private final Set<ProcessHandle> members = new LinkedHashSet<>(); // guarded by this
    private volatile long refreshedAtNanos;

    void driver(ProcessHandle driver) {
        this.driver = driver;
    }

    Optional<ProcessHandle> driver() {
        return Optional.ofNullable(driver);
    }

    Optional<ProcessHandle> main() {
        return Optional.ofNullable(main);
    }

    /** Records the browser's main process and everything it has started so far. */
    void main(ProcessHandle main) {
        this.main = main;
        this.mainStartTicks =
                ProcFs.stat(main.pid()).map(ProcFs.Stat::startTicks).orElse(0L);
        synchronized (this) {
            members.add(main);
        }
        refresh();
    }

    /** Forgets the browser tree (after it was verified gone), keeping the driver: for a relaunch. */
    synchronized void clearBrowser() {
        members.clear();
        main = null;
    }

    /**
     * Adds the browser's current processes to the members: its process group on Linux (which also finds
     * processes re-parented after their parent died), its descendants elsewhere.
     */
    void refresh() {
        ProcessHandle m = main;
        if (m == null) {
            return;
        }
        refreshedAtNanos = System.nanoTime();
        List<ProcessHandle> found = new ArrayList<>();
        if (ProcFs.AVAILABLE) {
            for (long pid : ProcFs.processGroup(m.pid(), mainStartTicks)) {
                ProcessHandle.of(pid).ifPresent(found::add);
            }
        } else if (m.isAlive()) {
            m.descendants().forEach(found::add);
        }
        synchronized (this) {
            members.removeIf(p -> p != m && ProcFs.isGone(p)); // renderers come and go: forget the dead
            members.addAll(found);
        }
    }

    /** The browser tree's recorded members (main first), without the driver. */
    synchronized List<ProcessHandle> browserProcesses() {
        return new ArrayList<>(members);
    }

    /** The driver (if known) and the browser tree. */
    List<ProcessHandle> all() {
        List<ProcessHandle> list = new ArrayList<>();
        ProcessHandle d = driver;
        if (d != null) {
            list.add(d);
        }
        list.addAll(browserProcesses());
        return list;
    }

    boolean browserAlive() {
        ProcessHandle m = main;
        return m != null && !ProcFs.isGone(m);
    }

    boolean driverAlive() {
        ProcessHandle d = driver;
        return d != null && !ProcFs.isGone(d);
    }

    /**
     * Kills the browser tree with SIGKILL: main process first (so it starts nothing new), then every
     * recorded member, then whatever else is in its process group. The driver lives on, so Playwright
     * reports the browser closed to a blocked call at once.
     */
    void killBrowser() {
        ProcessHandle m = main;
        if (m == null) {
            return;
        }
        if (!ProcFs.AVAILABLE) {
            refresh(); // descendants must be found before the main process dies
        }
        m.destroyForcibly();
        for (ProcessHandle p : browserProcesses()) {
            p.destroyForcibly();
        }
        if (ProcFs.AVAILABLE) {
            for (long pid : ProcFs.processGroup(m.pid(), mainStartTicks)) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    synchronized (this) {
                        members.add(p);
                    }
                    p.destroyForcibly();
                });
            }
        }
    }

    /** Kills the driver with SIGKILL. */
    void killDriver() {
        ProcessHandle d = driver;
        if (d != null) {
            d.destroyForcibly();
        }
    }

    /**
     * Waits up to {@code grace} for every recorded process to be gone (a zombie counts as gone: it holds
     * nothing and only its parent can reap it), killing stragglers again halfway. Returns the survivors.
     */
    List<ProcessHandle> awaitGone(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        long rekillAt = System.nanoTime() + grace.toNanos() / 2;
        boolean rekilled = false;
        while (true) {
            List<ProcessHandle> alive = new ArrayList<>();
            for (ProcessHandle p : all()) {
                if (!ProcFs.isGone(p)) {
                    alive.add(p);
                }
            }
            long now = System.nanoTime();
            if (alive.isEmpty() || now - deadline >= 0) {
                return alive;
            }
            if (!rekilled && now - rekillAt >= 0) {
                alive.forEach(ProcessHandle::destroyForcibly);
                rekilled = true;
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** Waits up to {@code grace} for the given processes to be gone; returns those that are not. */
    static List<ProcessHandle> awaitGone(List<ProcessHandle> processes, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            List<ProcessHandle> alive =
                    processes.stream().filter(p -> !ProcFs.isGone(p)).toList();
            if (alive.isEmpty() || System.nanoTime() - deadline >= 0) {
                return alive;
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** The zombies among the recorded processes (dead, waiting for their parent to reap them). */
    List<Long> zombies() {
        List<Long> list = new ArrayList<>();
        for (ProcessHandle p : all()) {
            if (ProcFs.isZombie(p.pid())) {
                list.add(p.pid());
            }
        }
        return list;
    }

    /**
     * The memory the driver and the browser tree hold, in bytes: the private (anonymous) and shared-memory
     * resident pages of every process, plus the largest file-backed resident set once (the Chromium binary
     * and libraries, mapped by every process). Summing {@code VmRSS} instead counts the binary once per
     * process: about 2.8 times the proportional size (PSS) for a browser with three pages, while this
     * stays within about 10 % of it at a fraction of the cost of reading {@code smaps_rollup}. Refreshes
     * the tree at most once a second.
     */
    long residentBytes() {
        if (!ProcFs.AVAILABLE) {
            return 0;
        }
        if (System.nanoTime() - refreshedAtNanos > 1_000_000_000L) {
            refresh();
        }
        long own = 0;
        long fileMax = 0;
        for (ProcessHandle p : all()) {
            if (p.isAlive()) {
                ProcFs.Memory m = ProcFs.memory(p.pid());
                own += m.anon() + m.shmem();
                fileMax = Math.max(fileMax, m.file());
            }
        }
        return own + fileMax;
    }

    @Override
    public String toString() {
        ProcessHandle d = driver;
        ProcessHandle m = main;
        return "driver=" + (d == null ? "?" : d.pid()) + " browser=" + (m == null ? "?" : m.pid()) + " processes="
                + browserProcesses().size();
    }
}
