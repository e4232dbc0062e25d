package dev.resourceguard.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/** All open entries of a guard, sharded into stripes by id. */
final class Registry {
    private final Stripe[] stripes;
    private final int mask;

    Registry(long now) {
        int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe(now);
        }
        mask = n - 1;
    }

    Stripe stripeFor(long id) {
        return stripes[(int) (id ^ (id >>> 16)) & mask];
    }

    void add(Entry e) {
        e.stripe.add(e);
    }

    void remove(Entry e) {
        e.stripe.remove(e);
    }

    void setDeadline(Entry e, long deadline) {
        Stripe s = e.stripe;
        s.lock.lock();
        try {
            e.deadline = deadline;
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

    /** A snapshot of the open entries, oldest first. */
    List<Entry> snapshot() {
        List<Entry> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.collect(all);
        }
        all.sort(Comparator.comparingLong(e -> e.id));
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
