package dev.resourceguard.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of processes, from {@code /proc} where there is one. */
final class ProcessMemory {
    private static final Path SELF_STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident size of this process in bytes, or -1 where {@code /proc} is missing. */
    static long residentBytes() {
        return residentBytes(SELF_STATUS);
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
