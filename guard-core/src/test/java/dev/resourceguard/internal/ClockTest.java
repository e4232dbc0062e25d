package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.Ticker;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockTest {
    private static final long MS = 1_000_000L;

    /** A settable ticker; not the system one, so stamps are exact unless the test forces coarse mode. */
    private static final class SetTicker implements Ticker {
        final AtomicLong now = new AtomicLong(1_000 * MS);

        @Override
        public long read() {
            return now.get();
        }
    }

    @Test
    void theSystemTickerGivesCoarseStampsAnyOtherExactOnes() {
        SetTicker t = new SetTicker();
        Clock exact = new Clock(t);
        assertFalse(exact.isCoarse());
        t.now.addAndGet(5 * MS);
        assertEquals(t.read(), exact.stamp(), "an exact clock reads the ticker");

        Clock coarse = new Clock(Ticker.system());
        assertTrue(coarse.isCoarse());
        long s1 = coarse.stamp();
        assertEquals(s1, coarse.stamp(), "a coarse stamp stays until the next publication");
        long p = System.nanoTime();
        coarse.publish(p);
        assertEquals(p, coarse.stamp());
        coarse.publish(p - 5 * MS);
        assertEquals(p, coarse.stamp(), "a publication never moves time backwards");
    }

    @Test
    void notBeforeCountsTheTimeoutFromThePublicationAfterTheStamp() {
        SetTicker t = new SetTicker();
        long start = t.read();
        Clock c = new Clock(t);
        // publications every 10 ms, then a 500 ms stall, then 10 ms again
        long p = start;
        for (int i = 0; i < 5; i++) {
            c.publish(p += 10 * MS);
        }
        long beforeStall = p;
        c.publish(p += 500 * MS);
        long afterStall = p;
        c.publish(p += 10 * MS);
        long now = p;

        // stamped at a normal publication: the next one is 10 ms later
        assertEquals(start + 10 * MS + 200 * MS, c.notBefore(start, 200 * MS, now));
        // stamped just before the stall: a handle opened during the stall read that stamp, so its
        // deadline counts from the end of the stall
        assertEquals(afterStall + 200 * MS, c.notBefore(beforeStall, 200 * MS, now));
        // a stamp between publications (an exact reading) also counts from the next publication
        assertEquals(afterStall + 200 * MS, c.notBefore(beforeStall + 3 * MS, 200 * MS, now));
        // stamped at the last publication: nothing published after it yet
        assertEquals(now + 200 * MS, c.notBefore(now, 200 * MS, now));
    }

    @Test
    void aStampOlderThanTheHistoryAddsTheLongestIntervalSeen() {
        SetTicker t = new SetTicker();
        long start = t.read();
        Clock c = new Clock(t);
        long p = start;
        c.publish(p += 70 * MS); // the longest interval
        for (int i = 0; i < Clock.RING + 10; i++) {
            c.publish(p += 10 * MS);
        }
        assertEquals(start + 70 * MS + 1_000 * MS, c.notBefore(start, 1_000 * MS, p));
        // a stamp still in the history is exact
        long recent = p - 100 * MS;
        assertEquals(recent + 10 * MS + 1_000 * MS, c.notBefore(recent, 1_000 * MS, p));
    }
}
