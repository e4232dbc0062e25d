package dev.resourceguard;

/**
 * The guard as JMX sees it, registered as {@code dev.resourceguard:type=ResourceGuard,name=<name>}
 * unless {@link GuardConfig#jmx()} is off. Read it with JConsole or VisualVM, or with {@code
 * dev.resourceguard.tools.GuardReportCli <pid>} from a shell.
 */
public interface GuardMXBean {

    /** The guard's name. */
    String getName();

    /** Open handles, all kinds. */
    int getOpenHandles();

    /** Threads declared stuck now. */
    long getStuckThreads();

    /** Deadlines exceeded since start. */
    long getDeadlinesExceeded();

    /** Handles closed as leaked since start. */
    long getLeaked();

    /** {@code NORMAL}, {@code HIGH} or {@code CRITICAL}. */
    String getMemoryLevel();

    /** The report as text ({@link GuardReport#toText()}). */
    String getReportText();

    /** The report as JSON ({@link GuardReport#toJson()}). */
    String getReportJson();

    /** Sweeps now ({@link ResourceGuard#sweep()}); returns what it did. */
    String sweep();
}
