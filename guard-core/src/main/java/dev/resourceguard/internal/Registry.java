package dev.resourceguard.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * All open entries of a guard, sharded into stripes. A thread tracks into the stripe its id hashes to,
 * so threads rarely share a stripe's lock or cache lines; an entry stays in its stripe until closed,
 * whichever thread closes it.
 */
final class Registry {
    private final Stripe[] stripes;
    private final int mask;

    Registry(long now) {
        int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe(now, i, n);
        }
        mask = n - 1;
    }

    /** The calling thread's stripe. */
    Stripe stripeForCurrentThread() {
        long h = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        return stripes[(int) (h >>> 40) & mask];
    }

    void add(Entry e) {
        e.stripe.add(e);
    }

    void remove(Entry e, dev.resourceguard.CloseCause cause) {
        e.stripe.remove(e, cause);
    }

    /** The kind's counts summed over the stripes: opened, then closed by cause ordinal. */
    long[] counts(int kindIndex) {
        long[] sum = new long[1 + KindStats.CAUSES.length];
        for (Stripe s : stripes) {
            s.addCounts(kindIndex, sum);
        }
        return sum;
    }

    void setDeadline(Entry e, long deadline) {
        Stripe s = e.stripe;
        s.lock.lock();
        try {
            e.deadline = deadline;
            e.coarseStart = false; // counted from an exact reading
            e.stage = 0;
            e.escalateAt = deadline;
            s.retime(e);
        } finally {
            s.lock.unlock();
        }
    }

    /** Starts the escalation ladder at stage 1 (cancelled) with the next step at {@code next}. */
    void escalateFromCancel(Entry e, long next) {
        Stripe s = e.stripe;
        s.lock.lock();
        try {
            if (e.stage == 0) {
                e.stage = 1;
                e.escalateAt = next;
                s.retime(e);
            }
        } finally {
            s.lock.unlock();
        }
    }

    void advance(long now, Consumer<TimerNode> onExpired) {
        for (Stripe s : stripes) {
            s.advance(now, onExpired);
        }
    }

    /** By opening time; ids break ties (they increase per stripe, not across stripes). */
    static final Comparator<Entry> OLDEST_FIRST = (a, b) -> {
        long d = a.openedAt - b.openedAt; // ticker time: compare by difference
        return d != 0 ? Long.signum(d) : Long.compare(a.id, b.id);
    };

    /** A snapshot of the open entries in no particular order (cheaper: no sort). */
    List<Entry> unorderedSnapshot() {
        List<Entry> all = new ArrayList<>(size());
        for (Stripe s : stripes) {
            s.collect(all);
        }
        return all;
    }

    /** A snapshot of the open entries, oldest first. */
    List<Entry> snapshot() {
        List<Entry> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.collect(all);
        }
        all.sort(OLDEST_FIRST);
        return all;
    }

    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            n += s.size();
        }
        return n;
    }
}
