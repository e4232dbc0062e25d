package dev.resourceguard.internal;

import java.util.List;
import java.util.function.Consumer;

/**
 * One shard of the registry: an intrusive list of open entries, a timer wheel for their deadlines, the
 * ids it hands out and the per-kind counts of what it opened and closed, all under one lock. A thread
 * tracks into its own stripe (chosen by thread id), so tracking or closing a handle takes one
 * uncontended lock, no other atomic operation and no allocation here. Handles young in a {@link
 * Nursery} come here only when promoted (their ids and opened counts come from the nursery).
 */
final class Stripe {
    static final int STRIDE = 1 + KindStats.CAUSES.length;

    final StripeLock lock = new StripeLock();
    private final TimerWheel wheel;
    /** This stripe's ids are {@code index + k * stripes}: unique across the registry, increasing here. */
    private final int index;

    private final int stripes;
    private long nextId;
    private Entry head;
    private int size;
    /** Per kind: opened, then closed by cause; indexed by {@code kind.index * STRIDE}. */
    private long[] counts = new long[8 * STRIDE];

    Stripe(long now, int index, int stripes) {
        this.wheel = new TimerWheel(now);
        this.index = index;
        this.stripes = stripes;
        this.nextId = index == 0 ? stripes : index;
    }

    /** Links {@code e}, gives it its id, counts it opened and files its timer. */
    void add(Entry e) {
        int slot = e.stats.index * STRIDE;
        lock.lock();
        try {
            e.id = nextId;
            nextId += stripes;
            grow(slot);
            counts[slot]++;
            linkLocked(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Links {@code e}, a young entry being promoted from a {@link Nursery} (which gave it its id and
     * counted it opened), unless it has closed meanwhile: its closer then counted the close and will not
     * unlink it, or unlinks nothing.
     */
    void link(Entry e) {
        lock.lock();
        try {
            if (!e.isClosed()) {
                linkLocked(e);
                Entry.HOME.setRelease(e, Entry.LINKED);
            }
        } finally {
            lock.unlock();
        }
    }

    private void linkLocked(Entry e) {
        e.next = head;
        if (head != null) {
            head.prev = e;
        }
        head = e;
        size++;
        long t = e.nextTimer();
        if (t != Entry.NONE) {
            e.timerNanos(t);
            wheel.schedule(e);
        }
    }

    private void grow(int slot) {
        if (slot >= counts.length) {
            counts = java.util.Arrays.copyOf(counts, Math.max(counts.length * 2, slot + STRIDE));
        }
    }

    /** Reserves {@code n} ids for a nursery; returns the first (the next ones follow at {@link #stride}). */
    long reserveIds(int n) {
        lock.lock();
        try {
            long first = nextId;
            nextId += (long) n * stripes;
            return first;
        } finally {
            lock.unlock();
        }
    }

    /** The distance between consecutive ids of this stripe. */
    int stride() {
        return stripes;
    }

    /** Adds a retired nursery's counts (laid out as this stripe's) to this stripe's. */
    void addAll(long[] more) {
        lock.lock();
        try {
            grow(more.length - STRIDE);
            for (int i = 0; i < more.length; i++) {
                counts[i] += more[i];
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code e} closed with {@code cause} and unlinks it if it is linked. */
    void remove(Entry e, dev.resourceguard.CloseCause cause) {
        int slot = e.stats.index * STRIDE;
        lock.lock();
        try {
            grow(slot);
            counts[slot + 1 + cause.ordinal()]++;
            if (e.prev == null && head != e) {
                return; // not linked: closed while young, or before its promotion linked it
            }
            Entry p = e.prev;
            Entry n = e.next;
            if (p == null) {
                head = n;
            } else {
                p.next = n;
            }
            if (n != null) {
                n.prev = p;
            }
            e.prev = null;
            e.next = null;
            size--;
            wheel.deschedule(e);
        } finally {
            lock.unlock();
        }
    }

    /** Re-files {@code e} in the wheel after its timer fields changed. Caller holds the lock. */
    void retime(Entry e) {
        wheel.deschedule(e);
        long t = e.nextTimer();
        if (t != Entry.NONE && (e.prev != null || head == e)) {
            e.timerNanos(t);
            wheel.schedule(e);
        }
    }

    void advance(long now, Consumer<TimerNode> onExpired) {
        lock.lock();
        try {
            wheel.advance(now, onExpired);
        } finally {
            lock.unlock();
        }
    }

    void collect(List<Entry> into) {
        lock.lock();
        try {
            for (Entry e = head; e != null; e = e.next) {
                into.add(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds this stripe's counts for the kind at {@code kindIndex} to {@code into}. */
    void addCounts(int kindIndex, long[] into) {
        int slot = kindIndex * STRIDE;
        lock.lock();
        try {
            if (slot < counts.length) {
                for (int i = 0; i < STRIDE; i++) {
                    into[i] += counts[slot + i];
                }
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
