package dev.resourceguard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the order in which an emergency sweep (memory at {@link MemoryLevel#CRITICAL}) cancels work.
 * The sweep takes handles from the front of the list until the estimated memory freed brings use
 * below the recovery mark, or the list ends.
 *
 * <p>Candidates are open, not protected, not under a protected owner, and not already being
 * cancelled. A policy may drop candidates to spare them. It runs on a guard thread: keep it fast
 * (100,000 candidates should take milliseconds) and free of blocking.
 *
 * <pre>{@code
 * // never sweep database connections under pressure, otherwise as standard
 * SweepPolicy spareConnections = (candidates, idle) -> SweepPolicy.standard()
 *         .order(candidates.stream().filter(h -> !h.kind().equals("connection")).toList(), idle);
 * }</pre>
 */
@FunctionalInterface
public interface SweepPolicy {

    /**
     * Returns the candidates in the order to sweep them.
     *
     * @param candidates the sweepable handles, in no particular order
     * @param idleThreshold handles without activity for this long count as idle ({@link Duration#ZERO}:
     *     none do)
     */
    List<HandleView> order(List<HandleView> candidates, Duration idleThreshold);

    /**
     * The default: first handles past their deadline, then suspected leaks, then idle ones, then the
     * rest; within each group the largest cost estimate first, then the oldest.
     */
    static SweepPolicy standard() {
        return StandardSweepPolicy.INSTANCE;
    }

    /** The standard policy; see {@link SweepPolicy#standard()}. */
    final class StandardSweepPolicy implements SweepPolicy {
        static final StandardSweepPolicy INSTANCE = new StandardSweepPolicy();

        private StandardSweepPolicy() {}

        @Override
        public List<HandleView> order(List<HandleView> candidates, Duration idleThreshold) {
            long idleNanos = idleThreshold.isZero() ? Long.MAX_VALUE : idleThreshold.toNanos();
            List<Ranked> ranked = new ArrayList<>(candidates.size());
            for (HandleView h : candidates) {
                ranked.add(new Ranked(
                        h, group(h, idleNanos), h.costBytes(), h.age().toNanos()));
            }
            ranked.sort(Comparator.comparingInt((Ranked r) -> r.group)
                    .thenComparing(
                            Comparator.comparingLong((Ranked r) -> r.cost).reversed())
                    .thenComparing(Comparator.comparingLong((Ranked r) -> r.age).reversed()));
            List<HandleView> out = new ArrayList<>(ranked.size());
            for (Ranked r : ranked) {
                out.add(r.handle);
            }
            return out;
        }

        private static int group(HandleView h, long idleNanos) {
            if (h.remaining().map(Duration::isNegative).orElse(false)) {
                return 0;
            }
            if (h.isLeakSuspected()) {
                return 1;
            }
            if (h.runner().isEmpty() && h.idleTime().toNanos() >= idleNanos) {
                return 2;
            }
            return 3;
        }

        @Override
        public String toString() {
            return "standard (past deadline, leaked, idle, largest, oldest)";
        }

        private static final class Ranked {
            final HandleView handle;
            final int group;
            final long cost;
            final long age;

            Ranked(HandleView handle, int group, long cost, long age) {
                this.handle = handle;
                this.group = group;
                this.cost = cost;
                this.age = age;
            }
        }
    }
}
