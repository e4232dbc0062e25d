package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import java.util.concurrent.atomic.LongAdder;

/** Per-kind counters, shared by all handles of a kind in one guard. */
final class KindStats {
    private static final CloseCause[] CAUSES = CloseCause.values();

    final String kind;
    final Quota quota; // null: no quota
    final LongAdder open = new LongAdder();
    private final LongAdder[] closed = new LongAdder[CAUSES.length];

    KindStats(String kind, Quota quota) {
        this.kind = kind;
        this.quota = quota;
        for (int i = 0; i < closed.length; i++) {
            closed[i] = new LongAdder();
        }
    }

    void opened() {
        open.increment();
    }

    void recordClose(CloseCause cause) {
        open.decrement();
        closed[cause.ordinal()].increment();
    }

    long closed(CloseCause cause) {
        return closed[cause.ordinal()].sum();
    }

    long closedTotal() {
        long sum = 0;
        for (LongAdder a : closed) {
            sum += a.sum();
        }
        return sum;
    }
}
