package dev.resourceguard.executors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test work that ignores interrupts until released: the guard can only declare its thread stuck. */
final class Stubborn {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started;

    Stubborn(int tasks) {
        this.started = new CountDownLatch(tasks);
    }

    /** Blocks, swallowing interrupts, until {@link #release()}. */
    Void ignoreInterrupts() {
        started.countDown();
        while (true) {
            try {
                if (release.await(1, TimeUnit.MINUTES)) {
                    return null;
                }
            } catch (InterruptedException ignored) {
                // ignored on purpose
            }
        }
    }

    boolean awaitStarted() throws InterruptedException {
        return started.await(10, TimeUnit.SECONDS);
    }

    void release() {
        release.countDown();
    }
}
