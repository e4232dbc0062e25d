package dev.resourceguard.internal;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One shard of the registry: an intrusive list of open entries and a timer wheel for their deadlines,
 * under one lock. Tracking or closing a handle takes one uncontended lock and allocates nothing here.
 */
final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    private final TimerWheel wheel;
    private Entry head;
    private int size;

    Stripe(long now) {
        this.wheel = new TimerWheel(now);
    }

    void add(Entry e) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    void remove(Entry e) {
        lock.lock();
        try {
            if (e.prev == null && head != e) {
                return; // not linked
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

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
