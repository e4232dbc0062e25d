package dev.resourceguard.internal;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A hierarchical timing wheel: O(1) schedule and deschedule, amortized O(1) expiry, no allocation
 * after construction. Not thread-safe; the owner's lock guards it.
 *
 * <p><b>Layout.</b> After Varghese and Lauck's hierarchical timing wheels, as in Caffeine's {@code
 * TimerWheel}, but with a finer first level because deadlines must fire within tens of milliseconds:
 *
 * <pre>
 *   level  buckets  bucket span         the level covers
 *     0      64     2^24 ns = 16.8 ms   1.07 s
 *     1      64     2^30 ns = 1.07 s    68.7 s
 *     2      64     2^36 ns = 68.7 s    73.3 min
 *     3      64     2^42 ns = 73.3 min  3.26 d
 *     4       1     2^48 ns = 3.26 d    everything later (overflow, re-filed every 3.26 d)
 * </pre>
 *
 * A bucket is a circular doubly-linked list through the nodes' own links, headed by a sentinel, so
 * linking and unlinking touch two neighbours and nothing else. A time's tick at level i is {@code
 * time >>> shift[i]} and its bucket is the tick mod 64; unsigned shifts keep this consistent when
 * nanoTime wraps, since 2^64 is a multiple of every level's range. A node is filed in the lowest level
 * where fewer than 64 tick boundaries lie between the wheel's time and the node's, counted as {@code
 * ((now & (span - 1)) + delay) >>> shift}, which cannot overflow for any delay below 2^63. So a node in
 * level i ≥ 1 is 1 to 63 ticks ahead, a node in level 0 is 0 to 63 ticks ahead, and a node already due
 * goes into level 0's current bucket.
 *
 * <p><b>Advance.</b> {@code advance(now)} visits, level by level from 0 up, every bucket whose tick the
 * clock reached since the previous advance (all of a level's buckets if it went round), plus level 0's
 * current bucket. Each node in a visited bucket is either due or re-filed relative to the new time,
 * which moves a node of a higher level down (the cascade). A node sits in the bucket of its own tick,
 * at most 63 ticks ahead, so that bucket is visited by the advance that passes the node's time and
 * expiry is <em>exact</em>: {@code advance(now)} expires precisely the nodes with {@code timerNanos -
 * now <= 0}, never one early or one late, so precision is only that of the caller's calls to {@code
 * advance}. The cost per advance is the buckets crossed (at most 64 per level) and the not-yet-due
 * nodes of level 0's current bucket, which are re-checked on each advance within their 16.8 ms.
 *
 * <p><b>Expiry.</b> Two phases. First every due node moves to an internal expired list, with no
 * callback run, so the wheel is consistent and at its new time. Then each node is unlinked and passed
 * to the callback, which may schedule, reschedule or deschedule any node, this one included. A node
 * scheduled there as already due lands in the current bucket and fires on the next advance, so a
 * callback that always reschedules cannot loop; a due node descheduled by an earlier callback is not
 * delivered; if a callback throws, the rest stay scheduled and are delivered by the next advance. The
 * callback must not call {@code advance}. Delivery order within one advance is unspecified.
 *
 * <p><b>Time.</b> Values are {@link System#nanoTime()}-like: any long, compared only as {@code a - b},
 * so a deadline must lie within 2^63 - 1 ns of the wheel's time. A {@code now} earlier than the wheel's
 * time is read as the wheel's time: the wheel never runs backwards.
 */
public final class TimerWheel {
    private static final int[] SHIFT = {24, 30, 36, 42, 48};
    private static final int[] BUCKETS = {64, 64, 64, 64, 1};
    private static final int OVERFLOW = SHIFT.length - 1;

    private final Sentinel[][] wheel = new Sentinel[SHIFT.length][];
    private final Sentinel expired = new Sentinel();
    private long nanos;
    private int size;

    public TimerWheel(long nowNanos) {
        this.nanos = nowNanos;
        for (int i = 0; i < wheel.length; i++) {
            wheel[i] = new Sentinel[BUCKETS[i]];
            for (int j = 0; j < BUCKETS[i]; j++) {
                wheel[i][j] = new Sentinel();
            }
        }
    }

    /** Files {@code node} by its {@link TimerNode#timerNanos()}; one already due fires on the next advance. */
    public void schedule(TimerNode node) {
        if (node.timerNext() != null) {
            throw new IllegalStateException("timer node is already scheduled: " + node);
        }
        link(bucketFor(node.timerNanos()), node);
        size++;
    }

    /** Deschedules {@code node} if it is scheduled, then schedules it by its current time. */
    public void reschedule(TimerNode node) {
        deschedule(node);
        schedule(node);
    }

    /** Removes {@code node} and clears its links; false if it was not scheduled. */
    public boolean deschedule(TimerNode node) {
        TimerNode next = node.timerNext();
        if (next == null) {
            return false;
        }
        TimerNode prev = node.timerPrev();
        prev.setTimerNext(next);
        next.setTimerPrev(prev);
        node.setTimerPrev(null);
        node.setTimerNext(null);
        size--;
        return true;
    }

    public boolean isScheduled(TimerNode node) {
        return node.timerNext() != null;
    }

    /**
     * Moves the wheel to {@code nowNanos} and passes every node with {@code timerNanos <= nowNanos}
     * (wraparound-safe), already unlinked, to {@code onExpired}; returns how many it passed.
     */
    public int advance(long nowNanos, Consumer<TimerNode> onExpired) {
        Objects.requireNonNull(onExpired, "onExpired");
        long previous = nanos;
        long elapsed = Math.max(0L, nowNanos - previous);
        nanos = previous + elapsed;
        for (int i = 0; i < SHIFT.length; i++) {
            long crossed = ((previous & spanMask(i)) + elapsed) >>> SHIFT[i];
            long first = (previous >>> SHIFT[i]) + (i == 0 ? 0 : 1);
            long count = Math.min(i == 0 ? crossed + 1 : crossed, BUCKETS[i]);
            if (count == 0) {
                break;
            }
            int mask = BUCKETS[i] - 1;
            for (long tick = first; tick < first + count; tick++) {
                sweep(wheel[i][(int) tick & mask]);
            }
        }
        int fired = 0;
        for (TimerNode node = expired.next; node != expired; node = expired.next) {
            deschedule(node);
            fired++;
            onExpired.accept(node);
        }
        return fired;
    }

    public int size() {
        return size;
    }

    /**
     * A time no later than the earliest scheduled {@code timerNanos} and no earlier than the wheel's
     * time (the wheel's time itself when a node is due), or {@link Long#MAX_VALUE} when empty.
     * It equals the wheel's time only when a node is due, so a caller that parks until the hint does
     * not spin. Costs a scan of at most 257 buckets and of level 0's current bucket.
     */
    public long nextExpiryHint() {
        if (expired.next != expired) {
            return nanos;
        }
        long delay = Long.MAX_VALUE;
        for (int i = 0; i < SHIFT.length; i++) {
            delay = Math.min(delay, firstDelay(i));
        }
        if (delay == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long at = nanos + delay;
        return at == Long.MAX_VALUE ? at - 1 : at;
    }

    @Override
    public String toString() {
        return "TimerWheel[size=" + size + ", nanos=" + nanos + "]";
    }

    private static long spanMask(int level) {
        return (1L << SHIFT[level]) - 1;
    }

    private Sentinel bucketFor(long time) {
        long delay = time - nanos;
        if (delay <= 0) {
            return wheel[0][(int) (nanos >>> SHIFT[0]) & (BUCKETS[0] - 1)];
        }
        for (int i = 0; i < OVERFLOW; i++) {
            if ((((nanos & spanMask(i)) + delay) >>> SHIFT[i]) < BUCKETS[i]) {
                return wheel[i][(int) (time >>> SHIFT[i]) & (BUCKETS[i] - 1)];
            }
        }
        return wheel[OVERFLOW][0];
    }

    /** Empties a bucket into the expired list or, for nodes not yet due, into their buckets from now. */
    private void sweep(Sentinel sentinel) {
        TimerNode node = sentinel.next;
        if (node == sentinel) {
            return;
        }
        sentinel.prev = sentinel;
        sentinel.next = sentinel;
        while (node != sentinel) {
            TimerNode next = node.timerNext();
            long time = node.timerNanos();
            link(time - nanos <= 0 ? expired : bucketFor(time), node);
            node = next;
        }
    }

    private static void link(TimerNode sentinel, TimerNode node) {
        TimerNode tail = sentinel.timerPrev();
        node.setTimerPrev(tail);
        node.setTimerNext(sentinel);
        tail.setTimerNext(node);
        sentinel.setTimerPrev(node);
    }

    /** Delay from now to the start of the level's first occupied bucket; exact for level 0's current one. */
    private long firstDelay(int level) {
        Sentinel[] buckets = wheel[level];
        long ticks = nanos >>> SHIFT[level];
        int mask = buckets.length - 1;
        int from = level == 0 ? 0 : 1;
        for (int k = from; k < from + buckets.length; k++) {
            Sentinel sentinel = buckets[(int) (ticks + k) & mask];
            if (sentinel.next == sentinel) {
                continue;
            }
            if (k == 0) {
                long min = Long.MAX_VALUE;
                for (TimerNode n = sentinel.next; n != sentinel; n = n.timerNext()) {
                    min = Math.min(min, Math.max(0L, n.timerNanos() - nanos));
                }
                return min;
            }
            return ((long) k << SHIFT[level]) - (nanos & spanMask(level));
        }
        return Long.MAX_VALUE;
    }

    private static final class Sentinel implements TimerNode {
        TimerNode prev = this;
        TimerNode next = this;

        @Override
        public long timerNanos() {
            throw new UnsupportedOperationException("sentinel");
        }

        @Override
        public TimerNode timerPrev() {
            return prev;
        }

        @Override
        public void setTimerPrev(TimerNode n) {
            prev = n;
        }

        @Override
        public TimerNode timerNext() {
            return next;
        }

        @Override
        public void setTimerNext(TimerNode n) {
            next = n;
        }
    }
}
