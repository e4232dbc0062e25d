package dev.resourceguard.internal;

import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.SweepResult;
import java.util.List;

/**
 * Runs a guard's emergency sweep now, for {@code SweepSelection}. The emergency sweep has no public
 * entry point: the memory monitor starts it on the action pool when the level becomes CRITICAL. This
 * class sits in the {@code internal} package of the benchmarks jar (a split package, which works on the
 * class path only; the shaded jar drops {@code module-info}) and makes the same call as {@code
 * DefaultGuard.sweepAsync("CRITICAL", ...)}, on the calling thread, so the sweep can be timed alone.
 */
public final class EmergencySweepAccess {
    private EmergencySweepAccess() {}

    /**
     * Takes the registry snapshot and runs {@code Sweeper.emergency} as the monitor does.
     *
     * @param bytesToFree what the sweep must free (the monitor passes used − recovery × max)
     * @param usedBytes the used heap (the monitor passes the last after-collection sample)
     */
    public static SweepResult emergencySweep(ResourceGuard guard, long bytesToFree, long usedBytes) {
        DefaultGuard g = (DefaultGuard) guard;
        return Sweeper.emergency(g, g.registry.unorderedSnapshot(), "benchmark", bytesToFree, usedBytes);
    }

    /** The registry snapshot the emergency sweep starts from (every entry, unordered, as the monitor takes it), for diagnostics. */
    public static List<? extends HandleView> snapshot(ResourceGuard guard) {
        return ((DefaultGuard) guard).registry.unorderedSnapshot();
    }
}
