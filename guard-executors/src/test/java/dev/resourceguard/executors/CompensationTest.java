package dev.resourceguard.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.Awaits;
import dev.resourceguard.test.GuardExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompensationTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.withConfig(
            b -> b.forceCloseGrace(Duration.ofMillis(50)).stuckGrace(Duration.ofMillis(50)));

    static ExecutorOptions options(int maxExtra) {
        return ExecutorOptions.builder()
                .name("comp")
                .taskTimeout(Duration.ofMillis(100))
                .maxExtraThreads(maxExtra)
                .build();
    }

    @Test
    void aStuckWorkerIsReplacedAndTheExtraThreadWithdrawnWhenItReturns(ResourceGuard guard) throws Exception {
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        GuardedExecutorService pool = GuardedExecutors.wrap(raw, guard, options(4));
        Stubborn stubborn = new Stubborn(2);
        try {
            pool.submit(stubborn::ignoreInterrupts);
            pool.submit(stubborn::ignoreInterrupts);
            assertTrue(stubborn.awaitStarted());
            Future<String> queued = pool.submit("quick", Duration.ofSeconds(30), () -> "ran");
            // Both workers stuck: the pool gets two more threads, and the queued task runs.
            assertEquals("ran", queued.get(10, TimeUnit.SECONDS));
            Awaits.await().until(() -> pool.stats().compensationThreads() == 2);
            assertEquals(4, raw.getCorePoolSize());
            assertEquals(4, raw.getMaximumPoolSize());
            assertEquals(2, pool.stats().stuckNow());
            assertEquals(2, pool.stats().stuck());
            assertEquals(4, pool.stats().compensationLimit());
        } finally {
            stubborn.release();
        }
        Awaits.await()
                .until(() ->
                        pool.stats().compensationThreads() == 0 && pool.stats().stuckNow() == 0);
        assertEquals(2, raw.getCorePoolSize());
        assertEquals(2, raw.getMaximumPoolSize());
        Awaits.await().until(() -> raw.getPoolSize() == 2); // the surplus threads retire when idle
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void compensationIsBoundedByMaxExtraThreads(ResourceGuard guard) throws Exception {
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
        GuardedExecutorService pool = GuardedExecutors.wrap(raw, guard, options(1));
        Stubborn stubborn = new Stubborn(2);
        try {
            pool.submit(stubborn::ignoreInterrupts);
            Awaits.await().until(() -> pool.stats().compensationThreads() == 1);
            pool.submit(stubborn::ignoreInterrupts); // runs on the extra thread, and gets stuck too
            assertTrue(stubborn.awaitStarted());
            Awaits.await().until(() -> pool.stats().stuckNow() == 2);
            assertEquals(2, pool.stats().stuck());
            assertEquals(1, pool.stats().compensationThreads());
            assertEquals(2, raw.getCorePoolSize());
        } finally {
            stubborn.release();
        }
        Awaits.await()
                .until(() ->
                        pool.stats().compensationThreads() == 0 && pool.stats().stuckNow() == 0);
        assertEquals(1, raw.getCorePoolSize());
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void otherExecutorsOnlyReportStuckWorkers(ResourceGuard guard) throws Exception {
        ExecutorService fj = new ForkJoinPool(1);
        GuardedExecutorService pool = GuardedExecutors.wrap(fj, guard, options(4));
        assertEquals(0, pool.stats().compensationLimit());
        Stubborn stubborn = new Stubborn(1);
        try {
            pool.submit(stubborn::ignoreInterrupts);
            assertTrue(stubborn.awaitStarted());
            Awaits.await().until(() -> pool.stats().stuckNow() == 1);
            assertEquals(1, pool.stats().stuck());
            assertEquals(0, pool.stats().compensationThreads());
        } finally {
            stubborn.release();
        }
        Awaits.await().until(() -> pool.stats().stuckNow() == 0);
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * The guard may declare a worker stuck just after it left the task, too late to tell it returned. The
     * executor notices (the handle is closed) and withdraws the thread it added at once.
     */
    @Test
    void aStuckDeclarationThatArrivesAfterTheTaskEndedIsSettledAtOnce(ResourceGuard guard) throws Exception {
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
        GuardedExecutor pool = (GuardedExecutor) GuardedExecutors.wrap(raw, guard, options(4));
        AtomicReference<HandleView> view = new AtomicReference<>();
        pool.submit(() -> view.set(guard.currentOwner().orElseThrow())).get(10, TimeUnit.SECONDS);

        pool.stuck(view.get()); // as the guard's hook would, late

        assertEquals(1, pool.stats().stuck());
        assertEquals(0, pool.stats().stuckNow());
        assertEquals(0, pool.stats().compensationThreads());
        assertEquals(1, raw.getCorePoolSize());
        assertEquals(1, raw.getMaximumPoolSize());
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void aCachedPoolNeedsNoCompensation(ResourceGuard guard) throws Exception {
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newCachedThreadPool();
        GuardedExecutorService pool = GuardedExecutors.wrap(raw, guard, options(4));
        Stubborn stubborn = new Stubborn(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            futures.add(pool.submit(stubborn::ignoreInterrupts));
            Awaits.await().until(() -> pool.stats().stuckNow() == 1);
            assertEquals(0, pool.stats().compensationThreads());
            assertEquals(0, raw.getCorePoolSize());
        } finally {
            stubborn.release();
        }
        Awaits.await().until(() -> pool.stats().stuckNow() == 0);
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
}
