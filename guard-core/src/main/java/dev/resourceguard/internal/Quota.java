package dev.resourceguard.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A limit on open handles of one kind. Waiting is bounded by the acquire timeout. */
final class Quota {
    final String kind;
    final int limit;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();

    Quota(String kind, int limit) {
        this.kind = kind;
        this.limit = limit;
        this.permits = new Semaphore(limit, true);
    }

    /** Returns true once a permit is held, false after the timeout. */
    boolean acquire(long timeoutNanos) throws InterruptedException {
        if (permits.tryAcquire()) {
            return true;
        }
        waiting.incrementAndGet();
        try {
            return permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            waiting.decrementAndGet();
        }
    }

    void release() {
        permits.release();
    }

    int inUse() {
        return limit - permits.availablePermits();
    }

    int waiting() {
        return waiting.get();
    }
}
