package dev.resourceguard.executors;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The executor's counters: striped adders, incremented on the paths that own them, read by {@link ExecutorStats}. */
final class Counters implements ExecutorStats {
    final LongAdder submitted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder started = new LongAdder();
    final LongAdder waitsTimed = new LongAdder();
    final LongAdder waitNanosTimed = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder stuck = new LongAdder();
    final AtomicInteger stuckNow = new AtomicInteger();
    private final Compensation compensation;

    Counters(Compensation compensation) {
        this.compensation = compensation;
    }

    @Override
    public long submitted() {
        return submitted.sum();
    }

    @Override
    public long rejected() {
        return rejected.sum();
    }

    @Override
    public long started() {
        return started.sum();
    }

    @Override
    public long queueWaitNanos() {
        long timed = waitsTimed.sum();
        long nanos = waitNanosTimed.sum();
        long all = started.sum();
        return timed == 0 ? 0 : timed >= all ? nanos : (long) ((double) nanos / timed * all);
    }

    @Override
    public long completed() {
        return completed.sum();
    }

    @Override
    public long failed() {
        return failed.sum();
    }

    @Override
    public long timedOut() {
        return timedOut.sum();
    }

    @Override
    public long cancelled() {
        return cancelled.sum();
    }

    @Override
    public long stuck() {
        return stuck.sum();
    }

    @Override
    public int stuckNow() {
        return stuckNow.get();
    }

    @Override
    public int compensationThreads() {
        return compensation.inUse();
    }

    @Override
    public int compensationLimit() {
        return compensation.limit();
    }

    @Override
    public String toString() {
        return "submitted=" + submitted() + ", completed=" + completed() + ", failed=" + failed() + ", timedOut="
                + timedOut() + ", cancelled=" + cancelled() + ", rejected=" + rejected() + ", stuck=" + stuck()
                + " (now " + stuckNow() + "), compensationThreads=" + compensationThreads() + "/" + compensationLimit();
    }
}
