package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardReport;
import dev.resourceguard.GuardStats;
import dev.resourceguard.HandleState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Takes the snapshot behind {@link dev.resourceguard.ResourceGuard#report()}. */
final class ReportBuilder {
    static final int OLDEST = 20;

    private ReportBuilder() {}

    static GuardReport build(DefaultGuard g, List<Entry> open, Collection<KindStats> kinds) {
        long now = g.ticker.read();
        Map<String, Long> cancelling = new HashMap<>();
        List<GuardReport.StuckThread> stuck = new ArrayList<>();
        for (Entry e : open) {
            if (e.state() == HandleState.CANCELLING) {
                cancelling.merge(e.kind(), 1L, Long::sum);
            }
            long since = e.stuckSince;
            if (since != Entry.NONE) {
                Thread t = e.runner().orElse(null);
                stuck.add(new GuardReport.StuckThread(
                        e.id,
                        e.describe(),
                        t == null ? "(returned)" : t.getName(),
                        (now - since) / 1_000_000,
                        t == null ? List.of() : frames(t.getStackTrace(), 40)));
            }
        }
        List<GuardReport.KindSummary> kindSummaries = new ArrayList<>();
        List<GuardReport.QuotaInfo> quotas = new ArrayList<>();
        kinds.stream().sorted((a, b) -> a.kind.compareTo(b.kind)).forEach(k -> {
            Map<CloseCause, Long> closed = new EnumMap<>(CloseCause.class);
            for (CloseCause c : CloseCause.values()) {
                closed.put(c, k.closed(c));
            }
            kindSummaries.add(
                    new GuardReport.KindSummary(k.kind, k.open(), cancelling.getOrDefault(k.kind, 0L), closed));
            if (k.quota != null) {
                quotas.add(new GuardReport.QuotaInfo(k.kind, k.quota.limit, k.quota.inUse(), k.quota.waiting()));
            }
        });
        List<GuardReport.HandleInfo> oldest = new ArrayList<>();
        for (int i = 0; i < open.size() && oldest.size() < OLDEST; i++) {
            oldest.add(info(open.get(i), now));
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryLimits.Limit limit = g.memory.effectiveLimit();
        long children = g.memory.childResident();
        GuardReport.MemoryInfo memory = new GuardReport.MemoryInfo(
                heap.getUsed(),
                heap.getMax(),
                ProcessMemory.residentBytes(),
                limit.bytes(),
                limit.source(),
                g.memory.level().name(),
                g.memory.heapAfterGc(),
                children >= 0 ? children : ProcessMemory.descendantsResidentBytes());
        GuardStats s = g.stats();
        long openCount = 0;
        long closedCount = 0;
        for (KindStats k : kinds) {
            openCount += k.open();
            closedCount += k.closedTotal();
        }
        GuardReport.Totals totals = new GuardReport.Totals(
                openCount + closedCount,
                openCount,
                closedCount,
                s.deadlinesExceeded(),
                s.forceClosed(),
                s.stuckTotal(),
                s.leaksSuspected(),
                s.leaked(),
                s.swept(),
                s.quotaTimeouts(),
                s.actionFailures(),
                s.actionsHung());
        return new GuardReport(
                g.config().name(),
                Instant.now(),
                totals,
                kindSummaries,
                oldest,
                stuck,
                quotas,
                memory,
                g.events.recent(),
                g.contributedSections());
    }

    static GuardReport.HandleInfo info(Entry e, long now) {
        List<String> owners = new ArrayList<>();
        for (Entry p = e.parent; p != null && owners.size() < 16; p = p.parent) {
            owners.add(p.describe());
        }
        long deadline = e.deadline;
        return new GuardReport.HandleInfo(
                e.id,
                e.kind(),
                e.name(),
                e.state(),
                (now - e.openedAt) / 1_000_000,
                deadline == Entry.NONE ? null : (deadline - now) / 1_000_000,
                (now - e.lastActive()) / 1_000_000,
                e.costBytes(),
                e.isProtected(),
                e.isStuck(),
                e.runner().map(Thread::getName).orElse(null),
                owners,
                e.site == null ? List.of() : frames(e.site.getStackTrace(), 40));
    }

    static List<String> frames(StackTraceElement[] stack, int max) {
        List<String> list = new ArrayList<>(Math.min(stack.length, max));
        for (int i = 0; i < stack.length && i < max; i++) {
            list.add(stack[i].toString());
        }
        return list;
    }
}
