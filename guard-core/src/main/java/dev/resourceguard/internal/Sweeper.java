package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.SweepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes what is expired, leaked or idle. Past-deadline handles go first, then suspected leaks, then
 * idle ones; protected handles are never touched. A handle with a running thread is cancelled (its
 * thread is interrupted, its resources cancelled) rather than closed under the thread's feet.
 */
final class Sweeper {
    private Sweeper() {}

    static SweepResult sweep(DefaultGuard g, List<Entry> open, String reason) {
        long start = System.nanoTime();
        long now = g.ticker.read();
        long idle = g.idleThresholdNanos();
        List<Entry> expired = new ArrayList<>();
        List<Entry> leaked = new ArrayList<>();
        List<Entry> idleOnes = new ArrayList<>();
        for (Entry e : open) {
            if (!e.isOpen() || e.isProtected() || hasProtectedAncestor(e)) {
                continue;
            }
            if (e.deadline != Entry.NONE && now - e.deadline >= 0) {
                expired.add(e);
            } else if (e.leakReported) {
                leaked.add(e);
            } else if (idle > 0 && e.runner().isEmpty() && now - e.lastActive() - idle >= 0) {
                idleOnes.add(e);
            }
        }
        List<String> swept = new ArrayList<>();
        long freed = 0;
        freed += sweepAll(g, expired, "past its deadline", swept);
        freed += sweepAll(g, leaked, "suspected leak", swept);
        freed += sweepAll(g, idleOnes, "idle", swept);
        g.counters.sweeps.incrementAndGet();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!swept.isEmpty()) {
            g.log.info(
                    "[{}] sweep ({}): closed {} handle(s), ~{} KiB: {}",
                    g.name,
                    reason,
                    swept.size(),
                    freed >> 10,
                    swept);
        }
        return new SweepResult(reason, swept, freed, took);
    }

    private static long sweepAll(DefaultGuard g, List<Entry> list, String why, List<String> out) {
        long freed = 0;
        for (Entry e : list) {
            if (!e.isOpen()) {
                continue; // closed with an ancestor swept before it
            }
            long cost = e.costBytes();
            boolean done =
                    e.runner().isPresent() ? g.incidents.cancel(e, CloseCause.SWEPT) : e.closeWith(CloseCause.SWEPT);
            if (done) {
                freed += cost;
                out.add(e.describe() + " (" + why + ")");
                g.swept(e, why);
            }
        }
        return freed;
    }

    private static boolean hasProtectedAncestor(Entry e) {
        for (Entry p = e.parent; p != null; p = p.parent) {
            if (p.isProtected()) {
                return true;
            }
        }
        return false;
    }
}
