package dev.resourceguard;

import java.time.Duration;
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

    /**
     * The standard policy; see {@link SweepPolicy#standard()}.
     *
     * <p>A sweep takes only the first few handles of the order (until enough memory is freed), so this
     * policy does not sort: it computes each candidate's keys once (group, cost, age), builds a binary
     * heap over them in linear time and returns a list that takes handles off the heap as it is read.
     * Reading the first k of n costs O(n + k log n); 100,000 candidates take a few milliseconds.
     */
    final class StandardSweepPolicy implements SweepPolicy {
        static final StandardSweepPolicy INSTANCE = new StandardSweepPolicy();

        private StandardSweepPolicy() {}

        @Override
        public List<HandleView> order(List<HandleView> candidates, Duration idleThreshold) {
            long idleNanos = idleThreshold.isZero() ? Long.MAX_VALUE : idleThreshold.toNanos();
            int n = candidates.size();
            HandleView[] handles = candidates.toArray(new HandleView[0]);
            int[] group = new int[n];
            long[] cost = new long[n];
            long[] age = new long[n];
            for (int i = 0; i < n; i++) {
                HandleView h = handles[i];
                group[i] = group(h, idleNanos);
                cost[i] = h.costBytes();
                age[i] = h.age().toNanos();
            }
            return new HeapOrder(handles, group, cost, age);
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

        /** The candidates in policy order, taken off a binary heap as the list is read. Not thread-safe. */
        static final class HeapOrder extends java.util.AbstractList<HandleView> implements java.util.RandomAccess {
            private final HandleView[] handles;
            private final int[] group;
            private final long[] cost;
            private final long[] age;
            private final int[] heap;
            private int heapSize;
            private final HandleView[] taken;
            private int takenCount;

            HeapOrder(HandleView[] handles, int[] group, long[] cost, long[] age) {
                this.handles = handles;
                this.group = group;
                this.cost = cost;
                this.age = age;
                int n = handles.length;
                this.heap = new int[n];
                for (int i = 0; i < n; i++) {
                    heap[i] = i;
                }
                this.heapSize = n;
                this.taken = new HandleView[n];
                for (int i = n / 2 - 1; i >= 0; i--) {
                    siftDown(i);
                }
            }

            /** Whether candidate a goes before b: lower group, then larger cost, then older. */
            private boolean before(int a, int b) {
                if (group[a] != group[b]) {
                    return group[a] < group[b];
                }
                if (cost[a] != cost[b]) {
                    return cost[a] > cost[b];
                }
                return age[a] > age[b];
            }

            private void siftDown(int i) {
                int x = heap[i];
                int half = heapSize >>> 1;
                while (i < half) {
                    int c = 2 * i + 1;
                    int r = c + 1;
                    if (r < heapSize && before(heap[r], heap[c])) {
                        c = r;
                    }
                    if (!before(heap[c], x)) {
                        break;
                    }
                    heap[i] = heap[c];
                    i = c;
                }
                heap[i] = x;
            }

            @Override
            public HandleView get(int index) {
                java.util.Objects.checkIndex(index, handles.length);
                while (takenCount <= index) {
                    int top = heap[0];
                    heap[0] = heap[--heapSize];
                    if (heapSize > 0) {
                        siftDown(0);
                    }
                    taken[takenCount++] = handles[top];
                }
                return taken[index];
            }

            @Override
            public int size() {
                return handles.length;
            }
        }
    }
}
