package dev.resourceguard;

/**
 * How often the guard captures the stack trace of the code that opens a handle, for leak reports.
 * Capturing a stack costs roughly a microsecond, far more than the rest of tracking, so the default
 * samples.
 */
public enum AllocationSites {
    /** Never capture; leak reports name the handle but not where it was opened. */
    OFF,
    /**
     * Capture one handle in {@link GuardConfig#allocationSiteSampleRate()} (per guard, at random), and
     * every handle of a kind once a handle of that kind has leaked without a captured site: the first
     * leak report may lack its site, the ones after it have theirs.
     */
    SAMPLED,
    /** Capture for every handle. For tests and leak hunting. */
    ALWAYS
}
