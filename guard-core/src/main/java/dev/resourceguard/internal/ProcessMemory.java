package dev.resourceguard.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of processes, from {@code /proc} where there is one (-1 elsewhere). */
final class ProcessMemory {
    private ProcessMemory() {}

    /** Resident size of this process in bytes, or -1 where {@code /proc} is missing. */
    static long residentBytes() {
        return residentBytes(Path.of("/proc/self/status"));
    }

    /** Summed resident size of this process's descendants (browsers, drivers); 0 if none, -1 if unknown. */
    static long descendantsResidentBytes() {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return -1;
        }
        long[] sum = {0};
        ProcessHandle.current().descendants().forEach(p -> {
            long rss = residentBytes(Path.of("/proc", Long.toString(p.pid()), "status"));
            if (rss > 0) {
                sum[0] += rss;
            }
        });
        return sum[0];
    }

    static long residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
