package dev.resourceguard.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the processes this module launches are recognised later, even by another JVM: every one carries
 * the identity of the JVM that launched it ({@code <pid>-<start>}: its pid and its start time in clock
 * ticks since boot, so a reused pid is never mistaken for it).
 *
 * <ul>
 *   <li>The browser's main process gets the switch {@code --resourceguard-owner=<jvm>/<guard>/<seq>}
 *       (Chromium ignores switches it does not know).
 *   <li>The Playwright driver runs with {@code TMPDIR} set to this JVM's <em>root</em>, {@code
 *       <java.io.tmpdir>/resourceguard-chromium-<jvm>}, so the profile and artifact directories it makes
 *       for each browser live there, and every Chromium process names the root in its command line
 *       ({@code --user-data-dir=...}). The driver also carries {@code RESOURCEGUARD_JVM=<jvm>} in its
 *       environment. (Playwright fixes the driver's environment at the first {@code Playwright.create()}
 *       of a JVM; if other code created one first, only the switch marks the browser.)
 * </ul>
 *
 * A process is an orphan when its marker names a JVM that no longer runs.
 */
final class Marker {

    static final String OWNER_SWITCH = "--resourceguard-owner=";
    static final String ENV = "RESOURCEGUARD_JVM";
    static final String ROOT_PREFIX = "resourceguard-chromium-";

    static final long PID = ProcessHandle.current().pid();
    static final long START = startOf(PID);
    /** This JVM's identity, {@code <pid>-<start>}. */
    static final String JVM = PID + "-" + START;

    private static final Pattern IDENTITY = Pattern.compile("(\\d+)-(\\d+)");
    private static final Pattern IN_ROOT = Pattern.compile(Pattern.quote(ROOT_PREFIX) + "(\\d+-\\d+)");

    private static volatile Path root;

    private Marker() {}

    /** The directory the driver of this JVM uses as {@code TMPDIR}; created on first use. */
    static Path root() {
        Path r = root;
        if (r == null) {
            synchronized (Marker.class) {
                r = root;
                if (r == null) {
                    r = Path.of(System.getProperty("java.io.tmpdir"), ROOT_PREFIX + JVM);
                    root = r;
                    r.toFile().deleteOnExit(); // removes it at a normal exit if every browser cleaned up
                }
            }
        }
        try {
            Files.createDirectories(r); // again each time: a tmp cleaner may have removed it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the browser temp directory " + r, e);
        }
        return r;
    }

    /** Deletes a directory tree (not following links); returns whether it is gone. */
    static boolean deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // reported by the directory still existing
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return !Files.exists(dir);
        }
        return !Files.exists(dir);
    }

    /** The switch that marks one browser's main process. */
    static String ownerSwitch(String guardName, long seq) {
        return OWNER_SWITCH + JVM + "/" + guardName + "/" + seq;
    }

    /** The identity of the JVM a command line says launched the process, if it carries a marker. */
    static Optional<String> jvmOf(List<String> cmdline) {
        for (String arg : cmdline) {
            if (arg.startsWith(OWNER_SWITCH)) {
                String v = arg.substring(OWNER_SWITCH.length());
                int slash = v.indexOf('/');
                String id = slash < 0 ? v : v.substring(0, slash);
                if (IDENTITY.matcher(id).matches()) {
                    return Optional.of(id);
                }
            }
            if (arg.contains(ROOT_PREFIX)) {
                Matcher m = IN_ROOT.matcher(arg);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /** The identity a root directory's name carries, if it is a root. */
    static Optional<String> jvmOfRoot(Path dir) {
        String n = dir.getFileName().toString();
        if (!n.startsWith(ROOT_PREFIX)) {
            return Optional.empty();
        }
        String id = n.substring(ROOT_PREFIX.length());
        return IDENTITY.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** Whether the JVM with this identity still runs (this JVM always does). */
    static boolean isRunning(String identity) {
        if (identity.equals(JVM)) {
            return true;
        }
        Matcher m = IDENTITY.matcher(identity);
        if (!m.matches()) {
            return true; // not ours to judge
        }
        long pid = Long.parseLong(m.group(1));
        long start = Long.parseLong(m.group(2));
        if (ProcFs.AVAILABLE) {
            return ProcFs.stat(pid)
                    .map(s -> !s.isDead() && s.startTicks() == start)
                    .orElse(false);
        }
        return ProcessHandle.of(pid).map(p -> startOf(pid) == start).orElse(false);
    }

    /** Start time in clock ticks since boot on Linux; else epoch milliseconds; 0 if unknown. */
    private static long startOf(long pid) {
        if (ProcFs.AVAILABLE) {
            return ProcFs.stat(pid).map(ProcFs.Stat::startTicks).orElse(0L);
        }
        return ProcessHandle.of(pid)
                .flatMap(p -> p.info().startInstant())
                .map(i -> i.toEpochMilli())
                .orElse(0L);
    }
}
