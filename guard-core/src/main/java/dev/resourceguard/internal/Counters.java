package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardStats;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A guard's counters. Per-kind counts live in the registry's stripes (see {@link KindStats}), changed
 * under the lock the hot path takes anyway; the rest count rare events.
 */
final class Counters implements GuardStats {
    final AtomicLong deadlinesExceeded = new AtomicLong();
    final AtomicLong forceClosed = new AtomicLong();
    final AtomicLong stuckTotal = new AtomicLong();
    final AtomicLong stuckNow = new AtomicLong();
    final AtomicLong leaksSuspected = new AtomicLong();
    final AtomicLong leaked = new AtomicLong();
    final AtomicLong swept = new AtomicLong();
    final AtomicLong sweeps = new AtomicLong();
    final AtomicLong quotaTimeouts = new AtomicLong();
    final AtomicLong actionFailures = new AtomicLong();
    final AtomicLong actionsHung = new AtomicLong();
    private final Map<String, KindStats> kinds;
    private final Map<String, AtomicLong> sweepsByReason = new java.util.concurrent.ConcurrentHashMap<>();
    volatile MemoryMonitor memory;

    void sweepRan(String reason) {
        sweeps.incrementAndGet();
        sweepsByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public long sweeps(String reason) {
        AtomicLong n = sweepsByReason.get(reason);
        return n == null ? 0 : n.get();
    }

    @Override
    public dev.resourceguard.MemoryLevel memoryLevel() {
        return memory.level();
    }

    @Override
    public long heapUsedAfterGc() {
        return memory.heapAfterGc();
    }

    @Override
    public long heapMax() {
        return memory.heapMax();
    }

    @Override
    public long processMemoryUsed() {
        return memory.processUsed();
    }

    @Override
    public long processMemoryLimit() {
        return memory.processLimit().bytes();
    }

    final List<Consumer<String>> newKindListeners = new CopyOnWriteArrayList<>();

    Counters(Map<String, KindStats> kinds) {
        this.kinds = kinds;
    }

    @Override
    public Set<String> kinds() {
        return Set.copyOf(kinds.keySet());
    }

    @Override
    public void onNewKind(Consumer<String> listener) {
        newKindListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public long open(String kind) {
        KindStats k = kinds.get(kind);
        return k == null ? 0 : k.open();
    }

    @Override
    public long closed(String kind, CloseCause cause) {
        KindStats k = kinds.get(kind);
        return k == null ? 0 : k.closed(cause);
    }

    @Override
    public long opened() {
        long n = 0;
        for (KindStats k : kinds.values()) {
            n += k.opened();
        }
        return n;
    }

    @Override
    public long deadlinesExceeded() {
        return deadlinesExceeded.get();
    }

    @Override
    public long forceClosed() {
        return forceClosed.get();
    }

    @Override
    public long stuckTotal() {
        return stuckTotal.get();
    }

    @Override
    public long stuckNow() {
        return stuckNow.get();
    }

    @Override
    public long leaksSuspected() {
        return leaksSuspected.get();
    }

    @Override
    public long leaked() {
        return leaked.get();
    }

    @Override
    public long swept() {
        return swept.get();
    }

    @Override
    public long sweeps() {
        return sweeps.get();
    }

    @Override
    public long quotaTimeouts() {
        return quotaTimeouts.get();
    }

    @Override
    public long actionFailures() {
        return actionFailures.get();
    }

    @Override
    public long actionsHung() {
        return actionsHung.get();
    }

    @Override
    public int quotaLimit(String kind) {
        KindStats k = kinds.get(kind);
        return k == null || k.quota == null ? -1 : k.quota.limit;
    }

    @Override
    public int quotaWaiting(String kind) {
        KindStats k = kinds.get(kind);
        return k == null || k.quota == null ? 0 : k.quota.waiting();
    }
}
