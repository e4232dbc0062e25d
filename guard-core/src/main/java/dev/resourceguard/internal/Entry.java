package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleClosedException;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The guard's record of one handle, and the handle itself when reachability tracking is off.
 *
 * <p><b>State.</b> One int, changed only by compare-and-set, moving one way:
 *
 * <pre>
 *   OPEN ──cancel(c)──▶ CANCELLING(c) ──close──▶ CLOSED(c)
 *     └──────────────close(c)─────────────────▶ CLOSED(c)
 * </pre>
 *
 * The cause travels inside the state word, so a reader never sees a closed handle without its cause,
 * and the thread whose CAS moves the state to CLOSED is the one that runs the close action. A handle
 * closed while cancelling closes with the cancel's cause: a task that returns after its deadline is
 * TIMED_OUT, not COMPLETED.
 *
 * <p><b>Reachability.</b> The entry is a {@link PhantomReference} to the user-facing {@link
 * TrackedHandle}, and the registry holds the entry, never the facade. When the user drops the facade
 * while the handle is open, the entry is enqueued and the watchdog closes it as LEAKED. The entry holds
 * the resource and the close action, not the facade, so the facade can become garbage. This replaces a
 * {@code Cleaner} registration: no extra object, no global lock, no extra thread.
 *
 * <p><b>Tree.</b> Children form an intrusive doubly-linked list, newest first, guarded by the parent's
 * monitor. Closing and cancelling visit children newest first.
 *
 * <p><b>Timer.</b> {@code timerNanos}, {@code stage}, {@code escalateAt} and the wheel links are
 * guarded by the stripe's lock; the watchdog and {@link #setTimeout} change them only under it.
 */
final class Entry extends PhantomReference<Object> implements Handle<Object>, TimerNode {

    static final long NONE = Long.MIN_VALUE;

    private static final int OPEN = 0;
    private static final int CANCELLING = 0x10;
    private static final int CLOSED = 0x20;
    private static final int CAUSE_MASK = 0x0f;
    private static final CloseCause[] CAUSES = CloseCause.values();

    /** {@link #home}: in its thread's nursery; being linked into its stripe; in its stripe. */
    static final byte YOUNG = 0;

    static final byte PROMOTING = 1;
    static final byte LINKED = 2;
    static final VarHandle HOME;

    private static final VarHandle STATE;
    private static final VarHandle RUNNER;
    private static final VarHandle STUCK;
    private static final VarHandle LAST_ACTIVE;
    private static final VarHandle COST;
    private static final VarHandle STUCK_SINCE;
    private static final int NOT_STUCK = 0;
    private static final int DECLARING = 1;
    private static final int DECLARED = 2;
    private static final int RETURNED_WHILE_DECLARING = 3;
    /** Marks {@code runner} while a canceller interrupts it, so the runner's exit waits (as FutureTask). */
    private static final Thread INTERRUPTING = new Thread("resourceguard-interrupting");

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Entry.class, "state", int.class);
            HOME = l.findVarHandle(Entry.class, "home", byte.class);
            RUNNER = l.findVarHandle(Entry.class, "runner", Thread.class);
            STUCK = l.findVarHandle(Entry.class, "stuckState", int.class);
            LAST_ACTIVE = l.findVarHandle(Entry.class, "lastActive", long.class);
            COST = l.findVarHandle(Entry.class, "cost", long.class);
            STUCK_SINCE = l.findVarHandle(Entry.class, "stuckSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final DefaultGuard guard;
    final HandleSpec<?> spec;
    final KindStats stats;
    /** Given by the stripe or nursery when the entry is added, before any other thread can see the entry. */
    long id;

    /** The nursery the entry was young in; {@code null} if it went straight to its stripe. */
    Nursery nursery;
    /** {@link #YOUNG}, {@link #PROMOTING} or {@link #LINKED}; see {@link Nursery}. A byte: it fits the gap. */
    volatile byte home;

    private final String name;
    private final Object resource;
    final long openedAt;
    final Throwable site;

    private volatile int state;
    private volatile Thread runner;
    volatile Entry parent;
    private volatile long lastActive;
    private volatile long cost;
    volatile boolean leakReported;
    volatile long stuckSince;
    private volatile int stuckState;
    private volatile boolean interruptedByGuard;
    /** Why a handle closed as LEAKED; set before the close. */
    volatile String leakReason;

    // Guarded by parent's monitor (this entry as a child) and this monitor (as a parent).
    private volatile Entry childHead;
    private Entry prevSibling;
    private Entry nextSibling;

    // Guarded by the stripe lock.
    Entry prev;
    Entry next;
    long deadline = NONE;
    long escalateAt = NONE;
    int stage;
    /** The deadline counts from a coarse stamp: the watchdog checks {@link Clock#notBefore} first. */
    boolean coarseStart;

    private long timerNanos;
    private TimerNode timerPrev;
    private TimerNode timerNext;

    Entry(
            Object facade,
            ReferenceQueue<Object> queue,
            DefaultGuard guard,
            HandleSpec<?> spec,
            KindStats stats,
            String name,
            Object resource,
            long now,
            long timeoutNanos,
            Throwable site) {
        super(facade, facade == null ? null : queue);
        this.guard = guard;
        this.spec = spec;
        this.stats = stats;
        this.name = name;
        this.resource = resource;
        this.openedAt = now;
        this.site = site;
        // Plain writes: the entry is published through the stripe lock or the nursery's release store. A
        // volatile write here would
        // cost a full fence each on the hot path.
        LAST_ACTIVE.set(this, now);
        COST.set(this, -1L);
        STUCK_SINCE.set(this, NONE);
        if (timeoutNanos > 0) {
            this.deadline = now + timeoutNanos;
            this.escalateAt = deadline;
            this.coarseStart = guard.clock.isCoarse();
        }
    }

    // ---- HandleView

    @Override
    public long id() {
        return id;
    }

    @Override
    public String kind() {
        return spec.kind();
    }

    @Override
    public String name() {
        return name != null ? name : spec.kind() + "#" + id;
    }

    @Override
    public HandleState state() {
        int s = state;
        return s == OPEN ? HandleState.OPEN : (s & CLOSED) != 0 ? HandleState.CLOSED : HandleState.CANCELLING;
    }

    @Override
    public Optional<CloseCause> closeCause() {
        int s = state;
        return s == OPEN ? Optional.empty() : Optional.of(CAUSES[s & CAUSE_MASK]);
    }

    @Override
    public Optional<HandleView> owner() {
        return Optional.ofNullable(parent);
    }

    @Override
    public List<HandleView> children() {
        List<HandleView> list = new ArrayList<>();
        synchronized (this) {
            for (Entry c = childHead; c != null; c = c.nextSibling) {
                list.add(c);
            }
        }
        Collections.reverse(list);
        return list;
    }

    @Override
    public Duration age() {
        return Duration.ofNanos(guard.ticker.read() - openedAt);
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(guard.ticker.read() - lastActive);
    }

    @Override
    public Optional<Duration> remaining() {
        long d = deadline;
        return d == NONE ? Optional.empty() : Optional.of(Duration.ofNanos(d - guard.ticker.read()));
    }

    @Override
    public long costBytes() {
        long c = cost;
        return c >= 0 ? c : spec.cost(resource);
    }

    @Override
    public boolean isProtected() {
        return spec.isProtected();
    }

    @Override
    public Optional<Throwable> allocationSite() {
        return Optional.ofNullable(site);
    }

    @Override
    public Optional<Thread> runner() {
        Thread t = runner;
        return t == null || t == INTERRUPTING ? Optional.empty() : Optional.of(t);
    }

    @Override
    public boolean isStuck() {
        return stuckState == DECLARED;
    }

    /** Whether a thread is inside this handle's scope (also while a canceller interrupts it). */
    boolean hasRunner() {
        return runner != null;
    }

    /**
     * Declares the runner stuck, unless it has left. The declaration and the runner's exit race; a
     * small state machine (with the Dekker pair "write own flag, read the other's") guarantees that
     * {@code stuck} is reported only for a thread that was inside, and that {@code stuckReturned} follows
     * it exactly once and never precedes it. Returns false if there was nothing to declare.
     */
    boolean declareStuck(long now, java.util.function.BiConsumer<Thread, StackTraceElement[]> report) {
        if (!STUCK.compareAndSet(this, NOT_STUCK, DECLARING)) {
            return false;
        }
        Thread thread = runner;
        while (thread == INTERRUPTING) {
            Thread.onSpinWait();
            thread = runner;
        }
        if (thread == null) {
            stuckState = NOT_STUCK;
            return false;
        }
        stuckSince = now;
        report.accept(thread, thread.getStackTrace());
        if (!STUCK.compareAndSet(this, DECLARING, DECLARED)) {
            // the thread left while we declared: settle the return here, after the declaration
            stuckState = NOT_STUCK;
            long since = stuckSince;
            stuckSince = NONE;
            guard.incidents.stuckReturned(this, guard.ticker.read() - since);
        }
        return true;
    }

    @Override
    public boolean isLeakSuspected() {
        return leakReported;
    }

    // ---- Handle

    @Override
    public Object get() {
        return resource;
    }

    /** The stripe the entry belongs to: its id's residue (a field would cost 8 bytes per handle). */
    Stripe stripe() {
        return guard.registry.stripeOf(id);
    }

    boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    boolean isOpen() {
        return (state & CLOSED) == 0;
    }

    boolean isCancelled() {
        return state != OPEN;
    }

    long lastActive() {
        return lastActive;
    }

    @Override
    public void close() {
        closeWith(CloseCause.COMPLETED);
    }

    @Override
    public boolean close(CloseCause cause) {
        return closeWith(Objects.requireNonNull(cause, "cause"));
    }

    /**
     * Closes this handle: children first (newest first), then the close action, then the bookkeeping.
     * A handle that is cancelling closes with its cancel cause. Exactly one caller wins.
     */
    boolean closeWith(CloseCause requested) {
        int s;
        CloseCause cause;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            cause = s == OPEN ? requested : CAUSES[s & CAUSE_MASK];
        } while (!STATE.compareAndSet(this, s, CLOSED | cause.ordinal()));

        try {
            if (childHead != null) {
                closeChildren(cause.wasForced() ? cause : CloseCause.LEAKED, this);
            }
            guard.incidents.runClose(this, cause);
        } finally {
            guard.registry.closed(this, cause);
            Entry p = parent;
            if (p != null) {
                p.unlinkChild(this);
            }
            if (stats.quota != null) {
                stats.quota.release();
            }
            guard.incidents.closed(this, cause);
        }
        return true;
    }

    private void closeChildren(CloseCause cause, Entry endedOwner) {
        for (Entry c : childrenNewestFirst()) {
            if (c.parent == this) {
                if (cause == CloseCause.LEAKED && c.state == OPEN) {
                    c.leakReason = "still open when its owner " + endedOwner.describe() + " ended";
                }
                c.closeWith(cause);
            }
        }
    }

    List<Entry> childrenNewestFirst() {
        if (childHead == null) {
            return List.of();
        }
        synchronized (this) {
            if (childHead == null) {
                return List.of();
            }
            List<Entry> list = new ArrayList<>();
            for (Entry c = childHead; c != null; c = c.nextSibling) {
                list.add(c);
            }
            return list;
        }
    }

    @Override
    public boolean cancel() {
        return guard.incidents.cancel(this, CloseCause.CANCELLED);
    }

    @Override
    public boolean cancel(CloseCause cause) {
        Objects.requireNonNull(cause, "cause");
        if (!cause.wasForced()) {
            throw new IllegalArgumentException(
                    "cancel cause must be a forced one (CANCELLED, TIMED_OUT, SWEPT," + " LEAKED, SHUTDOWN): " + cause);
        }
        return guard.incidents.cancel(this, cause);
    }

    /**
     * Moves OPEN to CANCELLING with {@code cause}. Returns false if the handle was not open. Runs no
     * action; see {@link #runCancelTree}.
     */
    boolean markCancelling(CloseCause cause) {
        return STATE.compareAndSet(this, OPEN, CANCELLING | cause.ordinal());
    }

    /**
     * Cancels the children (newest first, each marked and cancelled recursively), then runs this
     * handle's own cancel action, then interrupts its runner unless an open descendant forbids it.
     * The caller has already marked this handle cancelling.
     */
    void runCancelTree(CloseCause cause) {
        // Decide before the children's actions run: they may close the very children that forbid it.
        boolean interrupt = spec.interruptsRunner() && !descendantForbidsInterrupt();
        for (Entry c : childrenNewestFirst()) {
            if (c.parent == this && c.markCancelling(cause)) {
                c.runCancelTree(cause);
            }
        }
        guard.incidents.runCancel(this);
        if (interrupt) {
            interruptRunner();
        }
    }

    /** Whether this handle or one of its owners has a thread running in its scope. */
    boolean runsOrIsOwnedByRunning() {
        for (Entry e = this; e != null; e = e.parent) {
            if (e.hasRunner()) {
                return true;
            }
        }
        return false;
    }

    private boolean descendantForbidsInterrupt() {
        for (Entry c : childrenNewestFirst()) {
            if (c.isOpen() && (c.spec.forbidsOwnerInterrupt() || c.descendantForbidsInterrupt())) {
                return true;
            }
        }
        return false;
    }

    private void interruptRunner() {
        Thread t = runner;
        if (t != null && t != INTERRUPTING && RUNNER.compareAndSet(this, t, INTERRUPTING)) {
            try {
                interruptedByGuard = true;
                t.interrupt();
            } finally {
                RUNNER.setVolatile(this, t);
            }
        }
    }

    /** Force-closes what can be force-closed: the children of a running handle, or the handle itself. */
    @Override
    public void forceClose() {
        CloseCause cause = closeCause().orElse(CloseCause.CANCELLED);
        if (hasRunner()) {
            closeChildren(cause, this);
        } else {
            closeWith(cause);
        }
    }

    @Override
    public Scope enter() {
        return enterAs(this);
    }

    /** Enters this handle; the scope's {@code handle()} is {@code facade}, the handle the user holds. */
    Scope enterAs(Handle<Object> facade) {
        checkOpen();
        Thread me = Thread.currentThread();
        boolean ownsRunner = RUNNER.compareAndSet(this, null, me);
        ThreadState ts = ThreadState.LOCAL.get();
        return new OwnerScope(facade, this, ts.current, ownsRunner, ts);
    }

    /**
     * Makes the calling thread the runner of this entry before it is published (registry and owner):
     * a plain write, which the publication orders before any other thread can see the entry.
     */
    void presetRunner(Thread me) {
        RUNNER.set(this, me);
    }

    /** Called by the scope on the runner thread. */
    void exit(boolean ownsRunner) {
        if (!ownsRunner) {
            return;
        }
        Thread me = Thread.currentThread();
        while (!RUNNER.compareAndSet(this, me, null)) {
            if (runner != INTERRUPTING) {
                break;
            }
            Thread.onSpinWait();
        }
        if (interruptedByGuard) {
            interruptedByGuard = false;
            Thread.interrupted(); // the guard's own interrupt must not leak into the thread's next work
        }
        while (true) {
            int s = stuckState;
            if (s == NOT_STUCK || s == RETURNED_WHILE_DECLARING) {
                return;
            }
            if (s == DECLARING && STUCK.compareAndSet(this, DECLARING, RETURNED_WHILE_DECLARING)) {
                return; // the declarer reports the return after the declaration
            }
            if (s == DECLARED && STUCK.compareAndSet(this, DECLARED, NOT_STUCK)) {
                long since = stuckSince;
                stuckSince = NONE;
                guard.incidents.stuckReturned(this, guard.ticker.read() - since);
                return;
            }
        }
    }

    @Override
    public void touch() {
        LAST_ACTIVE.setRelease(this, guard.clock.stamp()); // no fence: a reader may see it a moment late
    }

    @Override
    public void detach() {
        Entry p = parent;
        if (p != null) {
            p.unlinkChild(this);
            parent = null;
        }
    }

    @Override
    public void transferTo(Handle<?> newOwner) {
        Objects.requireNonNull(newOwner, "newOwner");
        Entry target = guard.entryOf(newOwner);
        checkOpen();
        target.checkOpen();
        for (Entry e = target; e != null; e = e.parent) {
            if (e == this) {
                throw new IllegalArgumentException(
                        "cannot move " + describe() + " under " + target.describe() + ": that is its own descendant");
            }
        }
        detach();
        target.linkChild(this);
    }

    /** Adds {@code child} as the newest child; the child's {@code parent} field is set here. */
    void linkChild(Entry child) {
        synchronized (this) {
            child.parent = this;
            child.prevSibling = null;
            child.nextSibling = childHead;
            if (childHead != null) {
                childHead.prevSibling = child;
            }
            childHead = child;
        }
    }

    void unlinkChild(Entry child) {
        synchronized (this) {
            if (child.parent != this) {
                return;
            }
            Entry p = child.prevSibling;
            Entry n = child.nextSibling;
            if (p == null) {
                if (childHead == child) {
                    childHead = n;
                }
            } else {
                p.nextSibling = n;
            }
            if (n != null) {
                n.prevSibling = p;
            }
            child.prevSibling = null;
            child.nextSibling = null;
        }
    }

    @Override
    public void setTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        checkOpen();
        guard.registry.setDeadline(this, guard.ticker.read() + saturated(timeout));
    }

    @Override
    public void clearDeadline() {
        guard.registry.setDeadline(this, NONE);
    }

    @Override
    public void setCostBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("costBytes must not be negative: " + bytes);
        }
        cost = bytes;
    }

    @Override
    public void checkOpen() {
        int s = state;
        if ((s & CLOSED) != 0) {
            CloseCause c = CAUSES[s & CAUSE_MASK];
            throw new HandleClosedException(describe() + " already closed (cause=" + c + ")", c);
        }
    }

    // ---- TimerNode (guarded by the stripe lock)

    @Override
    public long timerNanos() {
        return timerNanos;
    }

    void timerNanos(long t) {
        timerNanos = t;
    }

    @Override
    public TimerNode timerPrev() {
        return timerPrev;
    }

    @Override
    public void setTimerPrev(TimerNode n) {
        timerPrev = n;
    }

    @Override
    public TimerNode timerNext() {
        return timerNext;
    }

    @Override
    public void setTimerNext(TimerNode n) {
        timerNext = n;
    }

    /** When the handle becomes a suspected leak, or {@link #NONE}; derived, to keep the entry small. */
    long leakAt() {
        long threshold = guard.leakThresholdNanos(spec);
        return threshold > 0 ? openedAt + threshold : NONE;
    }

    /** The next time the watchdog must look at this entry, or {@link #NONE}. Under the stripe lock. */
    long nextTimer() {
        long e = escalateAt;
        long l = leakReported ? NONE : leakAt();
        if (e == NONE) {
            return l;
        }
        if (l == NONE) {
            return e;
        }
        return e - l <= 0 ? e : l;
    }

    static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return describe() + " " + state();
    }
}
