package dev.resourceguard.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Linux's {@code /proc}: process state (to tell a zombie from a live process, which {@link
 * ProcessHandle#isAlive()} cannot), start time (to tell a process from a later one with the same pid),
 * process group, command line, environment and resident size. Every method answers "unknown" (empty, 0,
 * {@code null}) for a process that is gone or unreadable, and {@link #AVAILABLE} is false off Linux, where
 * callers fall back to {@link ProcessHandle}.
 */
final class ProcFs {

    static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/self/stat"));

    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** The fields of {@code /proc/<pid>/stat} this module needs. */
    record Stat(long pid, char state, long ppid, long pgrp, long startTicks) {
        /** A zombie (exited, not yet reaped by its parent) or a dead entry: it holds no memory and runs nothing. */
        boolean isDead() {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }

    static Optional<Stat> stat(long pid) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        String s;
        try {
            s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        // "pid (comm) S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
        // cstime priority nice threads itrealvalue starttime ..."; comm may hold spaces and parentheses.
        int close = s.lastIndexOf(')');
        if (close < 0 || close + 2 >= s.length()) {
            return Optional.empty();
        }
        String[] f = s.substring(close + 2).split(" ");
        if (f.length < 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the process is gone: no longer alive for the JDK, absent from {@code /proc}, a zombie, or a
     * different process now using the same pid.
     */
    static boolean isGone(ProcessHandle p) {
        if (!p.isAlive()) {
            return true;
        }
        Optional<Stat> s = stat(p.pid());
        if (!AVAILABLE) {
            return false;
        }
        return s.isEmpty() || s.get().isDead();
    }

    /** Whether the process is a zombie (dead but not yet reaped). */
    static boolean isZombie(long pid) {
        return stat(pid).map(s -> s.state() == 'Z').orElse(false);
    }

    /** The arguments, empty if unknown (zombies and kernel threads have none). */
    static List<String> cmdline(long pid) {
        if (!AVAILABLE) {
            return ProcessHandle.of(pid)
                    .flatMap(p -> p.info().arguments())
                    .map(List::of)
                    .orElse(List.of());
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return splitNul(raw);
    }

    /** The value of variable {@code name} in the process's initial environment, if readable. */
    static Optional<String> environ(long pid, String name) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String prefix = name + "=";
        for (String entry : splitNul(raw)) {
            if (entry.startsWith(prefix)) {
                return Optional.of(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** Resident memory of one process in bytes, from {@code /proc/<pid>/status}; all 0 if unknown. */
    record Memory(long rss, long anon, long file, long shmem) {
        static final Memory NONE = new Memory(0, 0, 0, 0);
    }

    static Memory memory(long pid) {
        if (!AVAILABLE) {
            return Memory.NONE;
        }
        long rss = 0;
        long anon = 0;
        long file = 0;
        long shmem = 0;
        try {
            for (String line : Files.readAllLines(
                    PROC.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line, 6);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kilobytes(line, 8);
                } else if (line.startsWith("RssFile:")) {
                    file = kilobytes(line, 8);
                } else if (line.startsWith("RssShmem:")) {
                    shmem = kilobytes(line, 9);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Memory.NONE;
        }
        return new Memory(rss, anon, file, shmem);
    }

    private static long kilobytes(String line, int from) {
        String v = line.substring(from).trim();
        int space = v.indexOf(' ');
        return Long.parseLong(space < 0 ? v : v.substring(0, space)) * 1024;
    }

    /** Every pid in {@code /proc} (a snapshot). */
    static List<Long> pids() {
        List<Long> list = new ArrayList<>();
        if (!AVAILABLE) {
            ProcessHandle.allProcesses().forEach(p -> list.add(p.pid()));
            return list;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    list.add(Long.parseLong(n));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an empty or partial list: callers treat it as "nothing found"
        }
        return list;
    }

    /** The live members of process group {@code pgrp} that started no earlier than {@code notBeforeTicks}. */
    static List<Long> processGroup(long pgrp, long notBeforeTicks) {
        List<Long> list = new ArrayList<>();
        if (!AVAILABLE) {
            return list;
        }
        for (long pid : pids()) {
            stat(pid).ifPresent(s -> {
                if (s.pgrp() == pgrp && s.startTicks() >= notBeforeTicks && !s.isDead()) {
                    list.add(pid);
                }
            });
        }
        return list;
    }

    private static List<String> splitNul(byte[] raw) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                parts.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            parts.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        return parts;
    }
}
