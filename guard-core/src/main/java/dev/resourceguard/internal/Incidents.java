package dev.resourceguard.internal;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.HandleView;
import dev.resourceguard.Ticker;
import dev.resourceguard.spi.ResourceKinds;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Runs the actions of handles and reports what happens to them: cancels and the escalation ladder's
 * steps, stuck threads, leaks, failed or hung actions, and the bookkeeping after each close. Every
 * incident is logged once (or thrown, never both), counted, and published as a {@link GuardEvent}.
 */
final class Incidents {
    private final DefaultGuard guard;
    private final String name;
    private final Logger log;
    private final EventLog events;
    private final ActionRunner actions;
    private final Counters counters;
    private final Ticker ticker;
    private final GuardConfig config;
    private final long forceCloseGraceNanos;
    private final AllocationSites siteMode;
    private final int sampleRate;
    private final boolean logTasks;

    Incidents(DefaultGuard guard, EventLog events, ActionRunner actions, Counters counters) {
        this.guard = guard;
        this.name = guard.name;
        this.log = guard.log;
        this.events = events;
        this.actions = actions;
        this.counters = counters;
        this.ticker = guard.ticker;
        this.config = guard.config();
        this.forceCloseGraceNanos = Entry.saturated(config.forceCloseGrace());
        this.siteMode = config.allocationSites();
        this.sampleRate = config.allocationSiteSampleRate();
        this.logTasks = config.logTaskPerformance();
    }

    void runClose(Entry e, CloseCause cause) {
        try {
            e.spec.runClose(e.get(), cause);
        } catch (Exception ex) {
            actionFailed(e, "close", ex);
        }
    }

    void runCancel(Entry e) {
        try {
            e.spec.runCancel(e.get());
        } catch (Exception ex) {
            actionFailed(e, "cancel", ex);
        }
    }

    private void actionFailed(Entry e, String what, Exception ex) {
        if (ex instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        counters.actionFailures.incrementAndGet();
        String msg = "[" + name + "] " + what + " action of " + e.describe() + " failed: " + ex;
        log.warn(msg, ex);
        events.publish(event(GuardEvent.Type.ACTION_FAILED, e, e.closeCause().orElse(null), msg, null, null, null));
    }

    /** Cancels a handle and starts its escalation ladder. */
    boolean cancel(Entry e, CloseCause cause) {
        if (!e.markCancelling(cause)) {
            return false;
        }
        guard.registry.escalateFromCancel(e, ticker.read() + forceCloseGraceNanos);
        if (cause == CloseCause.CANCELLED) {
            events.publish(event(GuardEvent.Type.CANCELLED, e, cause, e.describe() + " cancelled", null, null, null));
        }
        actions.execute("cancel " + e.describe(), () -> e.runCancelTree(cause));
        return true;
    }

    void deadlineExceeded(Entry e, long now) {
        if (!e.markCancelling(CloseCause.TIMED_OUT)) {
            return;
        }
        counters.deadlinesExceeded.incrementAndGet();
        String thread = e.runner().map(t -> " (thread '" + t.getName() + "')").orElse("");
        // The watchdog only decides: the cancel, then its report, run on the action pool.
        actions.execute("cancel " + e.describe(), () -> {
            e.runCancelTree(CloseCause.TIMED_OUT);
            String msg = "[" + name + "] " + e.describe() + " exceeded its deadline of "
                    + millis(e.deadline - e.openedAt) + " ms; cancelled" + thread;
            log.info(msg);
            events.publish(event(GuardEvent.Type.DEADLINE_EXCEEDED, e, CloseCause.TIMED_OUT, msg, null, null, null));
        });
    }

    void forceClose(Entry e) {
        if (!e.isOpen()) {
            return;
        }
        counters.forceClosed.incrementAndGet();
        actions.execute("force-close " + e.describe(), () -> {
            String what = e.hasRunner() ? "its resources" : "it";
            e.forceClose();
            String msg = "[" + name + "] " + e.describe() + " still running " + seconds(forceCloseGraceNanos)
                    + " s after cancel; force-closed " + what;
            log.warn(msg);
            events.publish(event(GuardEvent.Type.FORCE_CLOSED, e, e.closeCause().orElse(null), msg, null, null, null));
        });
    }

    void declareStuck(Entry e, long now) {
        actions.execute(
                "stuck check " + e.describe(),
                () -> e.declareStuck(now, (thread, stack) -> {
                    counters.stuckTotal.incrementAndGet();
                    counters.stuckNow.incrementAndGet();
                    String late = e.deadline != Entry.NONE && now - e.deadline >= 0
                            ? millis(now - e.deadline) + " ms past its deadline"
                            : "after it was cancelled";
                    String msg = "[" + name + "] " + e.describe() + " is stuck: thread '" + thread.getName()
                            + "' ignored cancel and forced close; " + late;
                    log.warn("{}; it is at:{}", msg, formatStack(stack, 30));
                    events.publish(event(
                            GuardEvent.Type.STUCK, e, e.closeCause().orElse(null), msg, null, stack, thread.getName()));
                    try {
                        e.spec.hooks().stuck(e, thread, stack);
                    } catch (RuntimeException ex) {
                        log.warn("[{}] stuck hook of {} threw; ignored", name, e.describe(), ex);
                    }
                }));
    }

    void stuckReturned(Entry e, long stuckNanos) {
        counters.stuckNow.decrementAndGet();
        String msg = "[" + name + "] stuck " + e.describe() + " returned after " + millis(stuckNanos) + " ms";
        log.info(msg);
        events.publish(event(
                GuardEvent.Type.STUCK_RETURNED,
                e,
                e.closeCause().orElse(null),
                msg,
                null,
                null,
                Thread.currentThread().getName()));
        try {
            e.spec.hooks().stuckReturned(e, Duration.ofNanos(stuckNanos));
        } catch (RuntimeException ex) {
            log.warn("[{}] stuck-returned hook of {} threw; ignored", name, e.describe(), ex);
        }
    }

    void reportAgeLeak(Entry e, long now) {
        counters.leaksSuspected.incrementAndGet();
        String msg = "[" + name + "] " + e.describe() + " held for " + seconds(now - e.openedAt)
                + " s, past the leak threshold of " + seconds(e.leakAt() - e.openedAt) + " s"
                + ownerSuffix(e);
        log.warn("{}; {}", msg, leakSiteText(e));
        events.publish(event(GuardEvent.Type.LEAK_SUSPECTED, e, null, msg, e.site, null, null));
    }

    void collectedWhileOpen(Entry e) {
        e.leakReason = "dropped without close() and garbage collected";
        actions.execute("close leaked " + e.describe(), () -> e.closeWith(CloseCause.LEAKED));
    }

    void checkHungActions() {
        actions.checkHung((what, thread) -> {
            counters.actionsHung.incrementAndGet();
            String msg = "[" + name + "] action '" + what + "' has run longer than the action timeout of "
                    + config.actionTimeout().toMillis() + " ms on thread '" + thread.getName()
                    + "'; interrupting it and adding a thread";
            log.warn("{}; it is at:{}", msg, formatStack(thread.getStackTrace(), 15));
            events.publish(event(
                    GuardEvent.Type.ACTION_HUNG, null, null, msg, null, thread.getStackTrace(), thread.getName()));
        });
    }

    /** Bookkeeping after a close (runs on the closing thread). */
    void closed(Entry e, CloseCause cause) {
        if (cause == CloseCause.LEAKED) {
            counters.leaked.incrementAndGet();
            String reason = e.leakReason != null ? e.leakReason : "closed as leaked";
            String msg = "[" + name + "] " + e.describe() + " leaked: " + reason + "; closed by the guard after "
                    + millis(ticker.read() - e.openedAt) + " ms";
            log.warn("{}; {}", msg, leakSiteText(e));
            events.publish(event(GuardEvent.Type.LEAKED, e, cause, msg, e.site, null, null));
        } else if (e.leakReported) {
            String msg = "[" + name + "] " + e.describe() + ", reported as a suspected leak, was closed (" + cause
                    + ") after " + seconds(ticker.read() - e.openedAt) + " s";
            log.info(msg);
            events.publish(event(GuardEvent.Type.LEAK_RETURNED, e, cause, msg, e.site, null, null));
        }
        try {
            e.spec.hooks().closed(e, cause);
        } catch (RuntimeException ex) {
            log.warn("[{}] close hook of {} threw; ignored", name, e.describe(), ex);
        }
        if (events.hasCloseListeners()) {
            events.closed(e, cause);
        }
        if (logTasks && e.spec.kind().equals(ResourceKinds.TASK)) {
            log.info("[{}] task '{}' {} in {} ms", name, e.name(), cause, millis(ticker.read() - e.openedAt));
        }
    }

    void cleanup() {
        if (config.logResourceUsage()) {
            log.info("[{}] {}", name, usageLine());
        }
    }

    String usageLine() {
        StringBuilder sb = new StringBuilder("open handles:");
        guard.kindStatsView().stream()
                .sorted((a, b) -> a.kind.compareTo(b.kind))
                .forEach(k -> sb.append(' ').append(k.kind).append('=').append(k.open()));
        Runtime rt = Runtime.getRuntime();
        sb.append("; stuck=")
                .append(counters.stuckNow.get())
                .append("; leaks=")
                .append(counters.leaked.get())
                .append("; deadlines exceeded=")
                .append(counters.deadlinesExceeded.get())
                .append("; heap=")
                .append((rt.totalMemory() - rt.freeMemory()) >> 20)
                .append('/')
                .append(rt.maxMemory() >> 20)
                .append(" MiB");
        return sb.toString();
    }

    static GuardEvent event(
            GuardEvent.Type type,
            HandleView h,
            CloseCause cause,
            String msg,
            Throwable site,
            StackTraceElement[] stack,
            String thread) {
        return new GuardEvent(type, Instant.now(), h, cause, msg, site, stack, thread);
    }

    private String ownerSuffix(Entry e) {
        Entry p = e.parent;
        return p == null ? "" : " (owner " + p.describe() + ")";
    }

    /**
     * The allocation site of a leaked handle, for its report. With sampled sites, a leak without one
     * makes the guard capture the site of every later handle of its kind.
     */
    String leakSiteText(Entry e) {
        if (e.site != null) {
            return "opened at:" + formatStack(e.site.getStackTrace(), 40);
        }
        if (siteMode == AllocationSites.SAMPLED) {
            if (!e.stats.captureAllSites) {
                e.stats.captureAllSites = true;
                return "allocation site not captured (sampled, 1 in " + sampleRate
                        + "); from now on the site of every '" + e.kind() + "' handle is captured";
            }
            return "allocation site not captured (sampled, 1 in " + sampleRate + "; opened before sites of '" + e.kind()
                    + "' handles were all captured)";
        }
        return "allocation site not captured (allocation sites: " + siteMode
                + "; set RESOURCEGUARD_ALLOCATION_SITES=always or sampled to capture them)";
    }

    static String formatStack(StackTraceElement[] stack, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stack.length && i < max; i++) {
            sb.append("\n\tat ").append(stack[i]);
        }
        if (stack.length > max) {
            sb.append("\n\t... ").append(stack.length - max).append(" more");
        }
        return sb.toString();
    }

    static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    static String seconds(Duration d) {
        return seconds(d.toNanos());
    }

    static String seconds(long nanos) {
        long tenths = nanos / 100_000_000;
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + (tenths % 10);
    }
}
