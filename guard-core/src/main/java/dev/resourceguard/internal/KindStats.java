package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;

/**
 * One kind of handle in one guard: its quota and its counts. The counts live in the registry's stripes
 * (plain longs changed under the stripe lock that {@code track} and {@code close} take anyway), so the
 * hot path pays no atomic operation for them; reads sum the stripes.
 */
final class KindStats {
    static final CloseCause[] CAUSES = CloseCause.values();

    final String kind;
    final Quota quota; // null: no quota
    /** This kind's slot in the stripes' count arrays. */
    final int index;

    private final Registry registry;

    /**
     * With sampled allocation sites: a handle of this kind leaked without a captured site, so from now on
     * every handle of this kind has its site captured (a leak that happened once tends to happen again).
     */
    volatile boolean captureAllSites;

    KindStats(String kind, Quota quota, int index, Registry registry) {
        this.kind = kind;
        this.quota = quota;
        this.index = index;
        this.registry = registry;
    }

    /** Handles of this kind opened and not yet closed. */
    long open() {
        long[] c = registry.counts(index);
        long open = c[0];
        for (int i = 1; i < c.length; i++) {
            open -= c[i];
        }
        return open;
    }

    long opened() {
        return registry.counts(index)[0];
    }

    long closed(CloseCause cause) {
        return registry.counts(index)[1 + cause.ordinal()];
    }

    long closedTotal() {
        long[] c = registry.counts(index);
        long sum = 0;
        for (int i = 1; i < c.length; i++) {
            sum += c[i];
        }
        return sum;
    }
}
