package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StripeLockTest {

    /** A non-atomic read-modify-write of two fields under the lock: any lost update shows in the sums. */
    @Test
    void excludesUnderContention() throws Exception {
        StripeLock lock = new StripeLock();
        long[] counters = new long[2];
        int threads = 4;
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    lock.lock();
                    try {
                        long a = counters[0];
                        counters[0] = a + 1;
                        counters[1] = counters[1] + 2;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            th.start();
            list.add(th);
        }
        start.countDown();
        for (Thread th : list) {
            th.join(TimeUnit.MINUTES.toMillis(2));
            assertFalse(th.isAlive(), "worker finished");
        }
        assertEquals((long) threads * perThread, counters[0]);
        assertEquals(2L * threads * perThread, counters[1]);
        assertFalse(lock.isLocked());
    }

    /** A waiter past its spins and yields parks in naps and still gets the lock once it is free. */
    @Test
    void longHoldIsWaitedOut() throws Exception {
        StripeLock lock = new StripeLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            lock.lock();
            acquired.countDown();
            lock.unlock();
        });
        waiter.start();
        assertFalse(acquired.await(50, TimeUnit.MILLISECONDS), "the lock is held");
        assertTrue(lock.isLocked());
        lock.unlock();
        assertTrue(acquired.await(20, TimeUnit.SECONDS), "the waiter got the lock");
        waiter.join(20_000);
        assertFalse(lock.isLocked());
    }
}
