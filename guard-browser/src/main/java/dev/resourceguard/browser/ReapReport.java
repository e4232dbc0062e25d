package dev.resourceguard.browser;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link GuardedBrowser#reapOrphans()} did: the processes it killed (browsers and drivers launched
 * by a JVM that no longer runs, and their descendants), those that would not die, and the temporary
 * directories of such JVMs it removed.
 */
public record ReapReport(List<Long> killed, List<Long> survivors, List<Path> removedDirectories) {
    public ReapReport {
        killed = List.copyOf(killed);
        survivors = List.copyOf(survivors);
        removedDirectories = List.copyOf(removedDirectories);
    }

    /** Whether there was nothing to reap. */
    public boolean isEmpty() {
        return killed.isEmpty() && survivors.isEmpty() && removedDirectories.isEmpty();
    }
}
