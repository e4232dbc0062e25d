package dev.resourceguard.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread that serves every deadline of a guard.
 *
 * <p>Each tick (the {@code watchdogTick} setting, 10 ms by default) it advances the timer wheel of
 * every registry stripe to the ticker's now. An entry is in a wheel only while it has something due:
 * an escalation step or its age-leak check, whichever is earlier ({@link Entry#nextTimer()}). Adding
 * and removing an entry is O(1) and allocation-free, so the cost of a deadline does not grow with the
 * number of handles, and a handle closed before its deadline leaves nothing behind (unlike one
 * scheduled future per handle, see FIELD-NOTES: the removeOnCancel trap).
 *
 * <p>The escalation ladder is a small state machine in {@link Entry#stage}, advanced only here and
 * only under the stripe lock:
 *
 * <pre>
 *   stage 0 ──deadline──▶ 1: cancel (children newest first, then interrupt the runner unless a child
 *                            forbids it)                         next step after forceCloseGrace
 *   stage 1 ──grace────▶ 2: force-close (a running handle's children; a resource itself)
 *                                                                  next step after stuckGrace
 *   stage 2 ──grace────▶ 3: if a thread still runs it: declare it stuck (stack logged once, event,
 *                            adapter hook: executors replace the worker)
 * </pre>
 *
 * The watchdog only decides. Cancel and close actions, and stack captures, run on the {@link
 * ActionRunner}, so an action that hangs never delays another deadline.
 *
 * <p>Each tick also drains the reference queue (handles garbage collected while open are closed as
 * LEAKED), reports hung actions, and every cleanup interval runs the periodic cleanup.
 */
final class Watchdog implements Runnable {
    private static final int CANCEL = 1;
    private static final int FORCE_CLOSE = 2;
    private static final int STUCK = 3;
    private static final int LEAK_CHECK = 4;

    private final DefaultGuard guard;
    private final Registry registry;
    private final ReferenceQueue<Object> queue;
    private final long tickNanos;
    private final long cleanupNanos;
    private final long forceCloseGraceNanos;
    private final long stuckGraceNanos;
    private final Thread thread;
    private volatile boolean running = true;

    private final List<Entry> dueEntries = new ArrayList<>();
    private final List<Integer> dueOps = new ArrayList<>();
    private long now;
    private long lastCleanup;

    Watchdog(DefaultGuard guard, Registry registry, ReferenceQueue<Object> queue, String guardName) {
        this.guard = guard;
        this.registry = registry;
        this.queue = queue;
        this.tickNanos = Entry.saturated(guard.config().watchdogTick());
        this.cleanupNanos = Entry.saturated(guard.config().cleanupInterval());
        this.forceCloseGraceNanos = Entry.saturated(guard.config().forceCloseGrace());
        this.stuckGraceNanos = Entry.saturated(guard.config().stuckGrace());
        this.lastCleanup = guard.ticker.read();
        this.thread = new Thread(this, "resourceguard-" + guardName + "-watchdog");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                tick();
            } catch (RuntimeException | Error e) {
                guard.log.error(
                        "[{}] watchdog tick failed; continuing", guard.config().name(), e);
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }

    void tick() {
        now = guard.ticker.read();
        guard.clock.publish(now);
        registry.promoteYoung(); // before the wheels advance: their timers fire this tick as they would have
        registry.retireEnded();
        registry.advance(now, node -> decide((Entry) node));
        for (int i = 0; i < dueEntries.size(); i++) {
            dispatch(dueEntries.get(i), dueOps.get(i));
        }
        dueEntries.clear();
        dueOps.clear();
        guard.memory.onTick(now);
        drainReferenceQueue();
        guard.incidents.checkHungActions();
        if (now - lastCleanup - cleanupNanos >= 0) {
            lastCleanup = now;
            guard.incidents.cleanup();
            guard.memory.onCleanup(now);
        }
    }

    /** Runs under the stripe lock, with the entry just taken out of the wheel. */
    private void decide(Entry e) {
        if (!e.isOpen()) {
            return;
        }
        long leakAt = e.leakReported ? Entry.NONE : e.leakAt();
        if (leakAt != Entry.NONE && now - leakAt >= 0) {
            e.leakReported = true;
            due(e, LEAK_CHECK);
        }
        if (e.escalateAt != Entry.NONE && now - e.escalateAt >= 0) {
            switch (e.stage) {
                case 0 -> {
                    long notBefore = e.coarseStart
                            ? guard.clock.notBefore(e.openedAt, e.deadline - e.openedAt, now)
                            : e.escalateAt;
                    if (now - notBefore < 0) {
                        e.escalateAt = notBefore; // stamped late by a stalled watchdog: never fire early
                    } else {
                        e.stage = 1;
                        e.escalateAt = now + forceCloseGraceNanos;
                        due(e, CANCEL);
                    }
                }
                case 1 -> {
                    e.stage = 2;
                    e.escalateAt = e.hasRunner() ? now + stuckGraceNanos : Entry.NONE;
                    due(e, FORCE_CLOSE);
                }
                case 2 -> {
                    e.stage = 3;
                    e.escalateAt = Entry.NONE;
                    if (e.hasRunner()) {
                        due(e, STUCK);
                    }
                }
                default -> e.escalateAt = Entry.NONE;
            }
        }
        e.stripe().retime(e);
    }

    private void due(Entry e, int op) {
        dueEntries.add(e);
        dueOps.add(op);
    }

    private void dispatch(Entry e, int op) {
        switch (op) {
            case CANCEL -> guard.incidents.deadlineExceeded(e, now);
            case FORCE_CLOSE -> guard.incidents.forceClose(e);
            case STUCK -> guard.incidents.declareStuck(e, now);
            case LEAK_CHECK -> guard.incidents.reportAgeLeak(e, now);
            default -> throw new IllegalStateException("unknown op " + op);
        }
    }

    private void drainReferenceQueue() {
        Reference<?> r;
        while ((r = queue.poll()) != null) {
            Entry e = (Entry) r;
            if (e.isOpen()) {
                guard.incidents.collectedWhileOpen(e);
            }
        }
    }
}
