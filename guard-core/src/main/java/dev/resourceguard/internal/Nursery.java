package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The young handles of one platform thread in one guard: a handle tracked by this thread waits here, out
 * of the registry's stripes, until the watchdog's next tick promotes it (or a snapshot, a cancel or a
 * deadline change does). Most handles (a query's connection, a short task) are closed well before that,
 * by the thread that opened them, and never take a stripe lock: tracking and closing such a handle cost
 * plain stores and one release store here instead of two lock acquisitions, the list links and the timer
 * wheel. The watchdog promotes what it finds at each tick before it advances the wheels, so deadlines and
 * leak thresholds fire exactly as they would have (their timers are filed at promotion, from the entry's
 * own fields).
 *
 * <p><b>Single writer.</b> Only the owning thread writes the slots, the id block and the counts; other
 * threads read slots with acquire loads and counts with opaque loads. A young handle closed by another
 * thread stays in its slot (closed) until the owner reuses the slot; its close is counted in its stripe.
 *
 * <p><b>Promotion and close.</b> The promoter moves the entry's {@code home} from YOUNG to PROMOTING by
 * compare-and-set and then, under the stripe lock, reads its state; the closer moves the state to CLOSED
 * by compare-and-set and then reads {@code home}. Both are full fences, so at least one sees the other:
 * either the closer sees the entry leaving and removes it under the stripe lock (where the promoter links
 * only an entry that is not closed), or the promoter sees CLOSED and leaves it alone. Each close is
 * counted exactly once, by the closer.
 *
 * <p><b>Counts.</b> Per kind: opened (by this thread) and closed (by this thread, while young), laid out
 * as the stripes' counts. When the thread has ended and its slots hold nothing open and unpromoted, the
 * watchdog folds the counts into a stripe and drops the nursery.
 */
final class Nursery {
    static final int SLOTS = 8;
    private static final int ID_BLOCK = 1024;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle COUNTS;
    /** {@code Thread.isVirtual()} on JDK 21 and later; {@code null} before. */
    private static final MethodHandle IS_VIRTUAL;

    static {
        try {
            COUNTS = MethodHandles.lookup().findVarHandle(Nursery.class, "counts", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        MethodHandle isVirtual;
        try {
            isVirtual = MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException noVirtualThreads) {
            isVirtual = null;
        }
        IS_VIRTUAL = isVirtual;
    }

    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual() failed", e);
        }
    }

    final Thread thread;
    /** The owner's stripe: ids come from it in blocks, and it takes the entries when promoted. */
    final Stripe stripe;

    private final Entry[] slots = new Entry[SLOTS];
    /** Replaced (grown) only by the owner; see {@link #count}. */
    private volatile long[] counts = new long[8 * Stripe.STRIDE];

    private long nextId;
    private int idsLeft;

    Nursery(Thread thread, Stripe stripe) {
        this.thread = thread;
        this.stripe = stripe;
    }

    /**
     * Owner only: files {@code e} in a free slot (empty, or holding an entry that is closed or linked),
     * gives it its id and counts it opened; false if all slots hold young open handles (the caller then
     * adds it to the stripe). The release store publishes the entry's fields to the watchdog.
     */
    boolean tryAdd(Entry e) {
        Entry[] s = slots;
        for (int i = 0; i < SLOTS; i++) {
            Entry o = s[i];
            // Not while it is being promoted: until it is linked, this slot is where readers count it.
            if (o == null || o.home == Entry.LINKED || o.isClosed()) {
                if (idsLeft == 0) {
                    nextId = stripe.reserveIds(ID_BLOCK);
                    idsLeft = ID_BLOCK;
                }
                e.id = nextId;
                nextId += stripe.stride();
                idsLeft--;
                e.nursery = this;
                count(e.stats.index * Stripe.STRIDE);
                SLOT.setRelease(s, i, e);
                return true;
            }
        }
        return false;
    }

    /** Owner only: {@code e}, young, was closed with {@code cause} by this thread. */
    void closed(Entry e, CloseCause cause) {
        count(e.stats.index * Stripe.STRIDE + 1 + cause.ordinal());
        Entry[] s = slots;
        for (int i = 0; i < SLOTS; i++) {
            if (s[i] == e) {
                SLOT.setRelease(s, i, null); // let the resource go
                return;
            }
        }
    }

    private void count(int index) {
        long[] c = counts;
        if (index >= c.length) {
            c = Arrays.copyOf(c, Math.max(c.length * 2, index + Stripe.STRIDE));
            COUNTS.setRelease(this, c);
        }
        COUNT.setOpaque(c, index, (long) COUNT.getOpaque(c, index) + 1);
    }

    /**
     * Any thread: promotes every young handle that is still open, and waits out any another thread is
     * promoting, so that when this returns each of them is linked or closed.
     */
    void promoteAll(Registry registry) {
        for (int i = 0; i < SLOTS; i++) {
            Entry e = (Entry) SLOT.getAcquire(slots, i);
            if (e != null && e.home != Entry.LINKED && !e.isClosed()) {
                registry.promote(e);
            }
        }
    }

    /** Any thread: young handles that are open and not yet linked in a stripe (a moment's view). */
    int youngOpen() {
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            Entry e = (Entry) SLOT.getAcquire(slots, i);
            if (e != null && e.home != Entry.LINKED && !e.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Adds this nursery's counts for the kind at {@code kindIndex} to {@code into}. */
    void addCounts(int kindIndex, long[] into) {
        long[] c = counts;
        int base = kindIndex * Stripe.STRIDE;
        if (base < c.length) {
            for (int i = 0; i < Stripe.STRIDE; i++) {
                into[i] += (long) COUNT.getOpaque(c, base + i);
            }
        }
    }

    /** All counts, for folding into a stripe once the owner has ended. */
    long[] counts() {
        return counts;
    }

    /** The owner has ended: nothing more will be written here. */
    boolean ownerEnded() {
        return !thread.isAlive();
    }
}
