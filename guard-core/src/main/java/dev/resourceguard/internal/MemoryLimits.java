package dev.resourceguard.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the process memory limit comes from: {@code MAX_MEMORY_USAGE_MB} if set, else the container's
 * limit (cgroup v2 {@code memory.max}, cgroup v1 {@code memory.limit_in_bytes}), else none (then only
 * the heap budget applies). Paths are parameters so tests can point at fixture files.
 */
final class MemoryLimits {
    /** cgroup v1 writes a huge page-aligned number for "no limit"; anything this large is none. */
    static final long UNLIMITED_V1 = 1L << 60;

    private MemoryLimits() {}

    /** A limit in bytes and where it came from. */
    record Limit(long bytes, String source) {
        static final Limit NONE = new Limit(-1, "none");

        boolean exists() {
            return bytes > 0;
        }
    }

    static Limit processLimit(OptionalLong maxMemoryMb) {
        return processLimit(maxMemoryMb, Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    static Limit processLimit(OptionalLong maxMemoryMb, Path procSelfCgroup, Path cgroupRoot) {
        if (maxMemoryMb.isPresent()) {
            return new Limit(maxMemoryMb.getAsLong() << 20, "MAX_MEMORY_USAGE_MB");
        }
        return cgroupLimit(procSelfCgroup, cgroupRoot).orElse(Limit.NONE);
    }

    static Optional<Limit> cgroupLimit(Path procSelfCgroup, Path root) {
        List<String> lines = readLines(procSelfCgroup);
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            String path = lines.stream()
                    .filter(l -> l.startsWith("0::"))
                    .map(l -> l.substring(3))
                    .findFirst()
                    .orElse("/");
            for (Path p : List.of(root.resolve(relative(path)).resolve("memory.max"), root.resolve("memory.max"))) {
                Optional<String> value = readFirstLine(p);
                if (value.isPresent()) {
                    String v = value.get().trim();
                    if (v.equals("max")) {
                        return Optional.empty();
                    }
                    return parse(v).stream()
                            .mapToObj(b -> new Limit(b, "cgroup v2 memory.max"))
                            .findFirst();
                }
            }
            return Optional.empty();
        }
        String path = lines.stream()
                .map(l -> l.split(":", 3))
                .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains("memory"))
                .map(f -> f[2])
                .findFirst()
                .orElse("/");
        Path memory = root.resolve("memory");
        for (Path p : List.of(
                memory.resolve(relative(path)).resolve("memory.limit_in_bytes"),
                memory.resolve("memory.limit_in_bytes"))) {
            Optional<String> value = readFirstLine(p);
            if (value.isPresent()) {
                OptionalLong bytes = parse(value.get().trim());
                if (bytes.isEmpty() || bytes.getAsLong() >= UNLIMITED_V1) {
                    return Optional.empty();
                }
                return Optional.of(new Limit(bytes.getAsLong(), "cgroup v1 memory.limit_in_bytes"));
            }
        }
        return Optional.empty();
    }

    private static String relative(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? "." : p;
    }

    private static OptionalLong parse(String v) {
        try {
            long b = Long.parseLong(v);
            return b > 0 ? OptionalLong.of(b) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<String> readFirstLine(Path p) {
        List<String> lines = readLines(p);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
    }
}
