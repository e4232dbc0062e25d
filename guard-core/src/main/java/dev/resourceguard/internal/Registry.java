package dev.resourceguard.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * All open entries of a guard, sharded into stripes. A thread tracks into the stripe its id hashes to,
 * so threads rarely share a stripe's lock or cache lines; an entry stays in its stripe until closed,
 * whichever thread closes it.
 *
 * <p>A platform thread's new entries first wait in its {@link Nursery} (one per thread and guard), out
 * of the stripes; the watchdog promotes them into the thread's stripe at its next tick, and every
 * snapshot and size promotes them first, so readers see one registry. Entries closed young never touch
 * a stripe.
 */
final class Registry {
    private final Stripe[] stripes;
    private final int mask;
    private final ConcurrentLinkedQueue<Nursery> nurseries = new ConcurrentLinkedQueue<>();
    /** Held while counts are summed and while a retired nursery's counts move into a stripe. */
    private final Object countsLock = new Object();

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

    /** A nursery for {@code thread}, which is the calling thread. */
    Nursery newNursery(Thread thread) {
        Nursery n = new Nursery(thread, stripeForCurrentThread());
        nurseries.add(n);
        return n;
    }

    /** Adds {@code e} to {@code stripe}, which gives its id (an entry that is not young). */
    void add(Entry e, Stripe stripe) {
        Entry.HOME.set(e, Entry.LINKED); // plain: published by the stripe lock
        stripe.add(e);
    }

    /** The stripe that gave {@code id} (directly or through a nursery): ids are {@code index + k * stripes}. */
    Stripe stripeOf(long id) {
        return stripes[(int) id & mask];
    }

    /**
     * {@code e} has just been closed with {@code cause} (its state is CLOSED): counts it and takes it out
     * of its stripe or nursery. Reads {@code linked} after the state's compare-and-set (see {@link
     * Nursery}).
     */
    void closed(Entry e, dev.resourceguard.CloseCause cause) {
        Nursery n = e.nursery;
        if (n != null && e.home == Entry.YOUNG && n.thread == Thread.currentThread()) {
            n.closed(e, cause);
        } else {
            e.stripe().remove(e, cause); // counts it, and unlinks it if it is linked
        }
    }

    /**
     * Moves a young entry into its stripe, unless it has closed. The first caller wins; the others wait
     * until it has, so when this returns, {@code e} is linked or closed.
     */
    void promote(Entry e) {
        if (e.home == Entry.YOUNG && Entry.HOME.compareAndSet(e, Entry.YOUNG, Entry.PROMOTING)) {
            e.stripe().link(e); // links it unless it is closed: its closer then counted it
            return;
        }
        while (e.home == Entry.PROMOTING && !e.isClosed()) {
            Thread.onSpinWait(); // the winner is taking the stripe lock
        }
    }

    /** Promotes every young entry that is open (see {@link Nursery#promoteAll}). */
    void promoteYoung() {
        for (Nursery y : nurseries) {
            y.promoteAll(this);
        }
    }

    /**
     * Drops the nurseries of threads that have ended, once nothing young and open is left in them (the
     * watchdog calls this after {@link #promoteYoung}), and moves their counts into their stripes.
     */
    void retireEnded() {
        for (Iterator<Nursery> it = nurseries.iterator(); it.hasNext(); ) {
            Nursery y = it.next();
            if (y.ownerEnded() && y.youngOpen() == 0) {
                synchronized (countsLock) {
                    if (nurseries.remove(y)) {
                        y.stripe.addAll(y.counts());
                    }
                }
            }
        }
    }

    /** Nurseries alive now (for tests). */
    int nurseryCount() {
        return nurseries.size();
    }

    /** Entries linked in stripes, without promoting young ones first (for tests). */
    int linkedCount() {
        int n = 0;
        for (Stripe s : stripes) {
            n += s.size();
        }
        return n;
    }

    /** The kind's counts summed over the stripes and nurseries: opened, then closed by cause ordinal. */
    long[] counts(int kindIndex) {
        long[] sum = new long[Stripe.STRIDE];
        synchronized (countsLock) {
            for (Stripe s : stripes) {
                s.addCounts(kindIndex, sum);
            }
            for (Nursery y : nurseries) {
                y.addCounts(kindIndex, sum);
            }
        }
        return sum;
    }

    void setDeadline(Entry e, long deadline) {
        promote(e);
        Stripe s = e.stripe();
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
        promote(e);
        Stripe s = e.stripe();
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
        promoteYoung();
        List<Entry> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.collect(all);
        }
        return all;
    }

    /** A snapshot of the open entries, oldest first. */
    List<Entry> snapshot() {
        promoteYoung();
        List<Entry> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.collect(all);
        }
        all.sort(OLDEST_FIRST);
        return all;
    }

    int size() {
        promoteYoung();
        // Nurseries first: an entry promoted meanwhile is then counted twice, never missed.
        int n = 0;
        for (Nursery y : nurseries) {
            n += y.youngOpen();
        }
        for (Stripe s : stripes) {
            n += s.size();
        }
        return n;
    }
}
