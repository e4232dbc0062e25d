package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.HandleView;
import dev.resourceguard.SweepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes what is expired, leaked or idle ({@link #sweep}), or, under critical memory pressure, cancels
 * work in the policy's order until enough is freed ({@link #emergency}). Protected handles and their
 * descendants are never touched. A handle whose thread is running is cancelled (its thread interrupted,
 * its resources cancelled and later force-closed by the ladder) rather than closed under its feet.
 */
final class Sweeper {
    private Sweeper() {}

    /** Past-deadline handles first, then suspected leaks, then idle ones (no runner, no activity). */
    static SweepResult sweep(DefaultGuard g, List<Entry> open, String reason, String why) {
        long start = System.nanoTime();
        long now = g.ticker.read();
        long idle = g.idleThresholdNanos();
        List<Entry> expired = new ArrayList<>();
        List<Entry> leaked = new ArrayList<>();
        List<Entry> idleOnes = new ArrayList<>();
        for (Entry e : open) {
            if (!sweepable(e)) {
                continue;
            }
            if (e.deadline != Entry.NONE && now - e.deadline >= 0) {
                expired.add(e);
            } else if (e.leakReported) {
                leaked.add(e);
            } else if (idle > 0 && !e.runsOrIsOwnedByRunning() && now - e.lastActive() - idle >= 0) {
                // a resource of a running task is in use even if nobody touched it
                idleOnes.add(e);
            }
        }
        List<String> swept = new ArrayList<>();
        long freed = 0;
        freed += sweepAll(g, expired, "past its deadline", swept);
        freed += sweepAll(g, leaked, "suspected leak", swept);
        freed += sweepAll(g, idleOnes, "idle", swept);
        return finish(g, reason, why, swept, freed, start);
    }

    /**
     * Cancels candidates in the policy's order until their cost estimates add up to {@code bytesToFree}.
     * A handle without an estimate counts as the average live handle ({@code usedBytes / open handles}),
     * so unknown costs neither stop the sweep at once nor make it take everything.
     */
    static SweepResult emergency(DefaultGuard g, List<Entry> open, String why, long bytesToFree, long usedBytes) {
        long start = System.nanoTime();
        List<HandleView> candidates = new ArrayList<>();
        for (Entry e : open) {
            if (sweepable(e) && !e.isCancelled()) {
                candidates.add(e);
            }
        }
        long unknownCost = Math.max(1, Math.max(0, usedBytes) / Math.max(1, open.size()));
        List<HandleView> ordered =
                g.config().sweepPolicy().order(candidates, g.config().idleThreshold());
        List<String> swept = new ArrayList<>();
        long freed = 0;
        for (HandleView h : ordered) {
            if (freed >= bytesToFree && !swept.isEmpty()) {
                break;
            }
            if (!(h instanceof Entry e) || e.guard != g || !e.isOpen() || e.isCancelled() || ancestorCancelled(e)) {
                continue; // foreign, gone, or already covered by an owner swept before it
            }
            long cost = e.costBytes();
            if (sweepOne(g, e, "memory critical")) {
                freed += cost > 0 ? cost : unknownCost;
                swept.add(e.describe() + " (~" + (cost >> 10) + " KiB)");
            }
        }
        return finish(g, "CRITICAL", why, swept, freed, start);
    }

    private static SweepResult finish(
            DefaultGuard g, String reason, String why, List<String> swept, long freed, long start) {
        g.counters.sweepRan(reason);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String msg = "[" + g.name + "] sweep (" + reason + ", " + why + "): swept " + swept.size() + " handle(s), ~"
                + (freed >> 10) + " KiB estimated in " + took.toMillis() + " ms"
                + (swept.isEmpty() ? "" : ": " + swept);
        if (!swept.isEmpty() || !reason.equals("manual")) {
            g.log.info(msg);
        }
        g.events.publish(Incidents.event(GuardEvent.Type.SWEEP, null, null, msg, null, null, null));
        return new SweepResult(reason, swept, freed, took);
    }

    private static long sweepAll(DefaultGuard g, List<Entry> list, String why, List<String> out) {
        long freed = 0;
        for (Entry e : list) {
            if (!e.isOpen()) {
                continue; // closed with an owner swept before it
            }
            long cost = e.costBytes();
            if (sweepOne(g, e, why)) {
                freed += cost;
                out.add(e.describe() + " (" + why + ")");
            }
        }
        return freed;
    }

    private static boolean sweepOne(DefaultGuard g, Entry e, String why) {
        boolean done = e.hasRunner() ? g.incidents.cancel(e, CloseCause.SWEPT) : e.closeWith(CloseCause.SWEPT);
        if (done) {
            g.swept(e, why);
        }
        return done;
    }

    private static boolean sweepable(Entry e) {
        if (!e.isOpen() || e.isProtected()) {
            return false;
        }
        for (Entry p = e.parent; p != null; p = p.parent) {
            if (p.isProtected()) {
                return false;
            }
        }
        return true;
    }

    private static boolean ancestorCancelled(Entry e) {
        for (Entry p = e.parent; p != null; p = p.parent) {
            if (p.isCancelled()) {
                return true;
            }
        }
        return false;
    }
}
