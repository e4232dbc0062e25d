package dev.resourceguard.test;

import dev.resourceguard.GuardConfig;
import dev.resourceguard.ResourceGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One test's state in {@link GuardExtension}: its configuration, ticker and guards, and the guard threads
 * alive before it. Thread-safe: a test may make guards from threads it started.
 */
final class TestRun {
    final String testName;
    final GuardConfig config;
    final FakeTicker ticker; // null without withFakeTicker()
    final Set<Thread> threadsBefore;
    private final List<ResourceGuard> guards = new ArrayList<>();
    private ResourceGuard shared;
    private boolean finished;

    TestRun(String testName, GuardConfig config, FakeTicker ticker, Set<Thread> threadsBefore) {
        this.testName = testName;
        this.config = config;
        this.ticker = ticker;
        this.threadsBefore = threadsBefore;
    }

    /** The guard that parameters receive, made on first use. */
    synchronized ResourceGuard sharedGuard() {
        if (shared == null) {
            shared = track(config);
        }
        return shared;
    }

    /** Creates a guard that {@link #finish()} hands over for closing. */
    synchronized ResourceGuard track(GuardConfig guardConfig) {
        if (finished) {
            throw new IllegalStateException(testName + " has ended; its guards are closed");
        }
        ResourceGuard guard = ResourceGuard.create(guardConfig);
        guards.add(guard);
        return guard;
    }

    /** Stops handing out guards; returns the ones made, oldest first. */
    synchronized List<ResourceGuard> finish() {
        finished = true;
        return List.copyOf(guards);
    }
}
