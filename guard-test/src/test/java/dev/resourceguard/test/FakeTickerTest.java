package dev.resourceguard.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.GuardConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeTickerTest {

    private static final long START = FakeTicker.DEFAULT_START_NANOS;

    @Test
    void startsAtANonZeroValue() {
        FakeTicker ticker = new FakeTicker();
        assertNotEquals(0, ticker.read());
        assertEquals(START, ticker.read());
        assertEquals(Duration.ZERO, ticker.elapsed());
    }

    @Test
    void startsWhereTold() {
        FakeTicker ticker = new FakeTicker(-5);
        assertEquals(-5, ticker.read());
        ticker.advance(Duration.ofNanos(10));
        assertEquals(5, ticker.read());
        assertEquals(Duration.ofNanos(10), ticker.elapsed());
    }

    @Test
    void standsStillUntilAdvanced() {
        FakeTicker ticker = new FakeTicker();
        assertEquals(ticker.read(), ticker.read());
        assertEquals(START, ticker.peek());
    }

    @Test
    void advancesByADuration() {
        FakeTicker ticker = new FakeTicker();
        assertSame(ticker, ticker.advance(Duration.ofMillis(1500)));
        assertEquals(START + 1_500_000_000L, ticker.read());
        ticker.advance(Duration.ZERO);
        assertEquals(Duration.ofMillis(1500), ticker.elapsed());
    }

    @Test
    void advancesByAnAmountOfAUnit() {
        FakeTicker ticker = new FakeTicker();
        assertSame(ticker, ticker.advance(3, TimeUnit.SECONDS));
        ticker.advance(7, TimeUnit.NANOSECONDS);
        ticker.advance(0, TimeUnit.DAYS);
        assertEquals(START + 3_000_000_007L, ticker.read());
    }

    @Test
    void autoAdvanceMovesTheTimeAfterEachRead() {
        FakeTicker ticker = new FakeTicker().setAutoAdvance(Duration.ofMillis(10));
        assertEquals(Duration.ofMillis(10), ticker.autoAdvance());
        assertEquals(START, ticker.read());
        assertEquals(START + 10_000_000L, ticker.read());
        assertEquals(START + 20_000_000L, ticker.peek());
        assertEquals(START + 20_000_000L, ticker.peek(), "peek does not advance");

        ticker.setAutoAdvance(Duration.ZERO);
        assertEquals(ticker.read(), ticker.read());
        assertEquals(Duration.ZERO, ticker.autoAdvance());
    }

    @Test
    void rejectsANegativeDurationNamingIt() {
        FakeTicker ticker = new FakeTicker();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ticker.advance(Duration.ofSeconds(-1)));
        assertEquals("advance must not be negative: PT-1S", e.getMessage());
        assertEquals(START, ticker.read(), "unchanged");
    }

    @Test
    void rejectsANegativeAmountNamingIt() {
        FakeTicker ticker = new FakeTicker();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ticker.advance(-5, TimeUnit.SECONDS));
        assertEquals("advance must not be negative: -5 SECONDS", e.getMessage());
        assertEquals(START, ticker.read(), "unchanged");
    }

    @Test
    void rejectsANegativeAutoAdvanceNamingIt() {
        FakeTicker ticker = new FakeTicker();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ticker.setAutoAdvance(Duration.ofMillis(-1)));
        assertEquals("autoAdvance must not be negative: PT-0.001S", e.getMessage());
        assertEquals(Duration.ZERO, ticker.autoAdvance());
    }

    @Test
    void rejectsADurationBeyondLongNanoseconds() {
        FakeTicker ticker = new FakeTicker();
        Duration tooLong = Duration.ofDays(365L * 300);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ticker.advance(tooLong));
        assertTrue(e.getMessage().startsWith("advance must fit in 2^63 - 1 nanoseconds: PT"), e.getMessage());
        assertEquals(START, ticker.read(), "unchanged");
    }

    @Test
    void rejectsNulls() {
        FakeTicker ticker = new FakeTicker();
        assertThrows(NullPointerException.class, () -> ticker.advance(null));
        assertThrows(NullPointerException.class, () -> ticker.advance(1, null));
        assertThrows(NullPointerException.class, () -> ticker.setAutoAdvance(null));
    }

    @Test
    void countsEveryAdvanceFromManyThreads() throws Exception {
        FakeTicker ticker = new FakeTicker().setAutoAdvance(Duration.ofNanos(1));
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                work.add(() -> {
                    for (int j = 0; j < perThread; j++) {
                        ticker.advance(2, TimeUnit.NANOSECONDS);
                        ticker.read();
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(work)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Duration.ofNanos(3L * threads * perThread), ticker.elapsed());
    }

    @Test
    void isAcceptedAsTheGuardsTicker() {
        FakeTicker ticker = new FakeTicker();
        assertSame(ticker, GuardConfig.builder().ticker(ticker).build().ticker());
    }

    @Test
    void describesItself() {
        FakeTicker ticker = new FakeTicker().advance(Duration.ofSeconds(2)).setAutoAdvance(Duration.ofMillis(1));
        assertEquals("FakeTicker[3000000000 ns, elapsed=PT2S, autoAdvance=PT0.001S]", ticker.toString());
    }
}
