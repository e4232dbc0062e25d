package dev.resourceguard.internal;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.EnteredHandle;
import dev.resourceguard.GuardClosedException;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardException;
import dev.resourceguard.GuardListener;
import dev.resourceguard.GuardReport;
import dev.resourceguard.GuardStats;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleView;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.Scope;
import dev.resourceguard.SweepResult;
import dev.resourceguard.Ticker;
import dev.resourceguard.spi.ReportContributor;
import dev.resourceguard.spi.ResourceKinds;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The implementation behind {@link ResourceGuard#create}. */
public final class DefaultGuard implements ResourceGuard {

    final Logger log = LoggerFactory.getLogger(ResourceGuard.class);
    private final GuardConfig config;
    final Ticker ticker;
    final Clock clock;
    final String name;
    final Registry registry;
    /** The calling thread's nursery in this guard; {@code null} on a virtual thread (see {@link Nursery}). */
    private final ThreadLocal<Nursery> nursery = ThreadLocal.withInitial(this::newNursery);

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Map<String, KindStats> kinds = new ConcurrentHashMap<>();
    final Counters counters = new Counters(kinds);
    private final java.util.concurrent.atomic.AtomicInteger kindIndexes =
            new java.util.concurrent.atomic.AtomicInteger();
    final EventLog events;
    private final ActionRunner actions;
    final Incidents incidents;
    private final Watchdog watchdog;
    final MemoryMonitor memory;
    private final GuardJmx jmx;
    private final HandleSpec<String> taskSpec;

    private final long defaultLeakNanos;
    private final long acquireTimeoutNanos;
    private final AllocationSites siteMode;
    private final int sampleRate;
    private final boolean reachability;

    private volatile boolean closed;
    private final Object shutdownLock = new Object();
    private ShutdownReport shutdownReport;
    private Thread shutdownHook;

    private DefaultGuard(GuardConfig config) {
        this.config = config;
        this.ticker = config.ticker();
        this.clock = new Clock(ticker);
        this.name = config.name();
        this.registry = new Registry(ticker.read());
        this.events = new EventLog(config.eventBufferSize(), log);
        config.listeners().forEach(events::addListener);
        if (config.jfr()) {
            try {
                events.addListener(new JfrEvents(name));
            } catch (LinkageError noJfr) {
                log.debug("[{}] JFR is not available; guard events are not recorded", name);
            }
        }
        this.jmx = new GuardJmx(this);
        this.actions =
                new ActionRunner(name, config.actionThreads(), Entry.saturated(config.actionTimeout()), ticker, log);
        this.incidents = new Incidents(this, events, actions, counters);
        this.defaultLeakNanos = Entry.saturated(config.leakThreshold());
        this.acquireTimeoutNanos = Entry.saturated(config.acquireTimeout());
        this.siteMode = config.allocationSites();
        this.sampleRate = config.allocationSiteSampleRate();
        this.reachability = config.reachabilityLeakDetection();
        this.taskSpec = HandleSpec.<String>builder(ResourceKinds.TASK)
                .interruptRunner(true)
                .leakThreshold(Duration.ZERO)
                .trackReachability(false)
                .build();
        config.quotas().keySet().forEach(this::kindStats);
        this.memory = new MemoryMonitor(this, config);
        counters.memory = memory;
        this.watchdog = new Watchdog(this, registry, queue, name);
    }

    /** Creates and starts a guard. */
    public static DefaultGuard start(GuardConfig config) {
        Objects.requireNonNull(config, "config");
        DefaultGuard g = new DefaultGuard(config);
        g.memory.start();
        if (config.jmx()) {
            g.jmx.register();
        }
        g.watchdog.start();
        if (config.shutdownHook()) {
            g.installShutdownHook();
        }
        return g;
    }

    @Override
    public GuardConfig config() {
        return config;
    }

    // ---- tracking

    @Override
    public <T> Handle<T> track(T resource, HandleSpec<? super T> spec) {
        Objects.requireNonNull(spec, "spec");
        @SuppressWarnings("unchecked")
        Handle<T> h = (Handle<T>) open(resource, spec, null, spec.timeoutNanos(), false, null);
        return h;
    }

    @Override
    public <T> Handle<T> trackHeldBy(T resource, HandleSpec<? super T> spec, Object holder) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(holder, "holder");
        @SuppressWarnings("unchecked")
        Handle<T> h = (Handle<T>) open(resource, spec, null, spec.timeoutNanos(), false, holder);
        return h;
    }

    @Override
    public <T> Handle<T> track(T resource, HandleSpec<? super T> spec, String name, Duration timeout) {
        Objects.requireNonNull(spec, "spec");
        @SuppressWarnings("unchecked")
        Handle<T> h = (Handle<T>) open(resource, spec, name, timeoutNanos(spec, name, timeout), false, null);
        return h;
    }

    private static long timeoutNanos(HandleSpec<?> spec, String name, Duration timeout) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank: '" + name + "'");
        }
        long timeoutNanos = spec.timeoutNanos();
        if (timeout != null) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            timeoutNanos = Entry.saturated(timeout);
        }
        return timeoutNanos;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> EnteredHandle<T> trackAndEnter(T resource, HandleSpec<? super T> spec, String name, Duration timeout) {
        Objects.requireNonNull(spec, "spec");
        return (EnteredHandle<T>) open(resource, spec, name, timeoutNanos(spec, name, timeout), true, null);
    }

    @Override
    public Handle<String> openTask(String name, Duration timeout) {
        Objects.requireNonNull(name, "task name");
        Duration t = timeout == null ? config.maxTaskDuration() : timeout;
        if (t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("task timeout must be positive: " + t);
        }
        return track(name, taskSpec, name, t);
    }

    @Override
    public <V> V runTask(String name, Duration timeout, Callable<V> work) throws Exception {
        Objects.requireNonNull(work, "work");
        Handle<String> task = openTask(name, timeout);
        V value;
        try (Scope ignored = task.enter()) {
            value = work.call();
        } catch (Exception | Error e) {
            task.close(CloseCause.FAILED);
            if (task.closeCause().orElse(null) == CloseCause.TIMED_OUT) {
                throw deadlineExceeded(task, e);
            }
            throw e;
        }
        task.close(CloseCause.COMPLETED);
        if (task.closeCause().orElse(null) == CloseCause.TIMED_OUT) {
            throw deadlineExceeded(task, null);
        }
        return value;
    }

    private DeadlineExceededException deadlineExceeded(Handle<String> task, Throwable failure) {
        Entry e = entryOf(task);
        return new DeadlineExceededException(
                task.describe() + " exceeded its deadline of " + Incidents.millis(e.deadline - e.openedAt) + " ms (ran "
                        + Incidents.millis(ticker.read() - e.openedAt) + " ms)",
                failure);
    }

    /**
     * Tracks {@code resource}; returns the handle, or with {@code enter} an {@link OwnerScope} on it: the
     * thread is then the runner before the entry is published, and the owner read here becomes the
     * scope's previous owner, which saves enter()'s compare-and-set and second thread-local read. With a
     * {@code holder}, the entry watches the holder's reachability and is itself the handle (no facade).
     */
    private <T> Object open(
            T resource, HandleSpec<? super T> spec, String name, long timeoutNanos, boolean enter, Object holder) {
        Objects.requireNonNull(resource, "resource");
        if (closed) {
            throw closedFor(spec);
        }
        KindStats ks = kindStats(spec.kind());
        if (ks.quota != null) {
            acquireQuota(ks);
        }
        Entry e;
        Handle<T> h;
        Stripe stripe = registry.stripeForCurrentThread();
        try {
            long now = clock.stamp();
            long leakNanos = leakThresholdNanos(spec);
            boolean reachable = reachability && spec.tracksReachability();
            // A site is only ever reported for a leak: skip the capture where no leak can be reported.
            Throwable site = leakNanos == 0 && !reachable ? null : captureSite(ks);
            String n = name != null ? name : spec.defaultName();
            if (reachable && holder != null) {
                e = new Entry(holder, queue, this, spec, ks, n, resource, now, timeoutNanos, site);
                @SuppressWarnings("unchecked")
                Handle<T> cast = (Handle<T>) (Handle<?>) e;
                h = cast;
            } else if (reachable) {
                TrackedHandle<T> th = new TrackedHandle<>(queue, this, spec, ks, n, resource, now, timeoutNanos, site);
                e = th.entry;
                h = th;
            } else {
                e = new Entry(null, null, this, spec, ks, n, resource, now, timeoutNanos, site);
                @SuppressWarnings("unchecked")
                Handle<T> cast = (Handle<T>) (Handle<?>) e;
                h = cast;
            }
        } catch (RuntimeException | Error ex) {
            if (ks.quota != null) {
                ks.quota.release();
            }
            throw ex;
        }
        if (enter) {
            e.presetRunner(Thread.currentThread());
        }
        // In the registry before it is a child: an owner that closes concurrently then either sees the
        // child and closes it (which unlinks it from the registry), or is seen closed below. Young in
        // this thread's nursery if it has room, else in the stripe.
        ThreadState ts = ThreadState.LOCAL.get();
        Nursery young = ts.nurseryGuard == this ? ts.nursery : nurseryOf(ts);
        if (young == null || !young.tryAdd(e)) {
            registry.add(e, stripe);
        }
        Entry owner = ts.current;
        if (owner != null && owner.guard == this && owner.isOpen()) {
            adopt(owner, e);
        }
        if (closed) {
            throw closedWhileTracking(e, enter);
        }
        if (!enter) {
            return h;
        }
        if (!e.isOpen()) {
            e.exit(true);
            e.checkOpen(); // throws: closed as its owner ended
        }
        @SuppressWarnings("unchecked")
        Handle<Object> facade = (Handle<Object>) h;
        return new OwnerScope(facade, e, owner, true, ts);
    }

    /**
     * Links the new entry {@code e} to {@code owner}, the thread's current owner; an owner being cancelled
     * cancels it at once, an owner that ended meanwhile leaves it closed. (Out of {@link #open}, whose
     * size decides whether the JIT inlines what it calls.)
     */
    private void adopt(Entry owner, Entry e) {
        owner.linkChild(e);
        if (owner.isCancelled()) {
            CloseCause c = owner.closeCause().orElse(CloseCause.CANCELLED);
            if (!owner.isOpen()) {
                // The owner ended between the check and the link and did not see this child.
                e.leakReason = "opened while its owner " + owner.describe() + " was closing";
                e.closeWith(c.wasForced() ? c : CloseCause.LEAKED);
            } else if (e.markCancelling(c)) {
                // The owner is being cancelled: what it opens now is cancelled with it.
                actions.execute("cancel " + e.describe(), () -> e.runCancelTree(c));
            }
        }
    }

    private GuardClosedException closedFor(HandleSpec<?> spec) {
        return new GuardClosedException("[" + this.name + "] guard is closed; cannot track a new " + spec.kind());
    }

    /** The guard closed while {@code e} was being tracked: closes it and returns the exception to throw. */
    private GuardClosedException closedWhileTracking(Entry e, boolean entered) {
        e.closeWith(CloseCause.SHUTDOWN);
        if (entered) {
            e.exit(true);
        }
        return new GuardClosedException("[" + this.name + "] guard closed while tracking " + e.describe());
    }

    /** The thread's nursery in this guard, now cached in {@code ts}. */
    private Nursery nurseryOf(ThreadState ts) {
        Nursery n = nursery.get();
        ts.nurseryGuard = this;
        ts.nursery = n;
        return n;
    }

    private Nursery newNursery() {
        Thread t = Thread.currentThread();
        // A virtual thread usually runs one task and ends: a nursery each would only be garbage.
        return Nursery.isVirtual(t) ? null : registry.newNursery(t);
    }

    private Throwable captureSite(KindStats ks) {
        switch (siteMode) {
            case ALWAYS:
                return new AllocationSite();
            case SAMPLED:
                return ks.captureAllSites || ThreadLocalRandom.current().nextInt(sampleRate) == 0
                        ? new AllocationSite()
                        : null;
            default:
                return null;
        }
    }

    KindStats kindStats(String kind) {
        KindStats ks = kinds.get(kind);
        if (ks != null) {
            return ks;
        }
        boolean[] created = new boolean[1];
        ks = kinds.computeIfAbsent(kind, k -> {
            created[0] = true;
            Integer limit = config.quotas().get(k);
            return new KindStats(
                    k, limit == null ? null : new Quota(k, limit), kindIndexes.getAndIncrement(), registry);
        });
        if (created[0]) {
            for (Consumer<String> l : counters.newKindListeners) {
                try {
                    l.accept(kind);
                } catch (RuntimeException ex) {
                    log.warn("[{}] new-kind listener threw; ignored", name, ex);
                }
            }
        }
        return ks;
    }

    private void acquireQuota(KindStats ks) {
        boolean ok;
        long start = System.nanoTime();
        try {
            ok = ks.quota.acquire(acquireTimeoutNanos);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new GuardException(
                    "[" + name + "] interrupted while waiting for the " + ks.kind + " quota of " + ks.quota.limit);
        }
        if (!ok) {
            counters.quotaTimeouts.incrementAndGet();
            String msg = "[" + name + "] " + ks.kind + " quota of " + ks.quota.limit + " reached after "
                    + Incidents.millis(System.nanoTime() - start) + " ms (open=" + ks.quota.inUse() + ", waiting="
                    + ks.quota.waiting() + ", oldest: " + oldestHolders(ks.kind, 3) + ")";
            events.publish(Incidents.event(GuardEvent.Type.QUOTA_EXHAUSTED, null, null, msg, null, null, null));
            throw new QuotaExceededException(msg, ks.kind, ks.quota.limit);
        }
    }

    private String oldestHolders(String kind, int max) {
        List<String> list = new ArrayList<>();
        for (Entry e : registry.snapshot()) {
            if (e.kind().equals(kind) && list.size() < max) {
                Entry owner = e.parent;
                list.add(e.describe() + " " + Incidents.seconds(e.age()) + " s"
                        + (owner == null ? "" : " held by " + owner.describe()));
            }
        }
        return list.isEmpty() ? "none" : String.join(", ", list);
    }

    Entry entryOf(Handle<?> h) {
        Entry e;
        if (h instanceof TrackedHandle<?> t) {
            e = t.entry;
        } else if (h instanceof Entry en) {
            e = en;
        } else {
            throw new IllegalArgumentException("not a handle of a ResourceGuard: " + h);
        }
        if (e.guard != this) {
            throw new IllegalArgumentException(
                    e.describe() + " belongs to guard '" + e.guard.name + "', not to '" + name + "'");
        }
        return e;
    }

    // ---- queries

    @Override
    public Optional<HandleView> currentOwner() {
        Entry e = ThreadState.LOCAL.get().current;
        return e != null && e.guard == this ? Optional.of(e) : Optional.empty();
    }

    @Override
    public List<HandleView> openHandles() {
        List<HandleView> list = new ArrayList<>();
        for (Entry e : registry.snapshot()) {
            if (e.isOpen()) {
                list.add(e);
            }
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<Handle<T>> openHandles(HandleSpec<T> spec) {
        Objects.requireNonNull(spec, "spec");
        List<Handle<T>> list = new ArrayList<>();
        for (Entry e : registry.snapshot()) {
            if (e.spec == spec && e.isOpen()) {
                list.add((Handle<T>) (Handle<?>) e);
            }
        }
        return list;
    }

    @Override
    public GuardReport report() {
        return ReportBuilder.build(this, registry.snapshot(), kinds.values());
    }

    @Override
    public GuardStats stats() {
        return counters;
    }

    @Override
    public SweepResult sweep() {
        return Sweeper.sweep(this, registry.snapshot(), "manual", "requested");
    }

    /** Runs a memory sweep on the action pool: {@code HIGH} (expired, leaked, idle) or {@code CRITICAL}. */
    void sweepAsync(String reason, String usage, long bytesToFree) {
        actions.execute("sweep " + reason, () -> {
            if (reason.equals("CRITICAL")) {
                Sweeper.emergency(this, registry.unorderedSnapshot(), usage, bytesToFree, memory.heapAfterGc());
            } else {
                Sweeper.sweep(this, registry.snapshot(), reason, usage);
            }
        });
    }

    void wakeWatchdog() {
        watchdog.wake();
    }

    void swept(Entry e, String reason) {
        counters.swept.incrementAndGet();
        events.publish(Incidents.event(
                GuardEvent.Type.SWEPT,
                e,
                CloseCause.SWEPT,
                "[" + name + "] swept " + e.describe() + " (" + reason + ")",
                null,
                null,
                null));
    }

    /** The age-leak threshold of handles of {@code spec}: its own, else the guard's; 0 for none. */
    long leakThresholdNanos(HandleSpec<?> spec) {
        long t = spec.leakThresholdNanos();
        return t < 0 ? defaultLeakNanos : t;
    }

    java.util.Collection<KindStats> kindStatsView() {
        return kinds.values();
    }

    long idleThresholdNanos() {
        return Entry.saturated(config.idleThreshold());
    }

    @Override
    public void addListener(GuardListener listener) {
        events.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(GuardListener listener) {
        events.removeListener(listener);
    }

    private final List<ReportContributor> contributors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void addReportContributor(ReportContributor contributor) {
        Objects.requireNonNull(contributor, "contributor");
        synchronized (contributors) {
            if (!contributors.contains(contributor)) {
                contributors.add(contributor);
            }
        }
    }

    @Override
    public void removeReportContributor(ReportContributor contributor) {
        contributors.remove(contributor);
    }

    /** The contributed sections for a report; a failing contributor is left out and logged at DEBUG. */
    List<GuardReport.Section> contributedSections() {
        List<GuardReport.Section> sections = new ArrayList<>();
        for (ReportContributor c : contributors) {
            try {
                GuardReport.Section s = c.section();
                if (s != null) {
                    sections.add(s);
                }
            } catch (RuntimeException ex) {
                log.debug("[{}] report contributor {} threw; its section is left out", name, c, ex);
            }
        }
        return sections;
    }

    // ---- lifecycle

    @Override
    public void installShutdownHook() {
        synchronized (shutdownLock) {
            if (shutdownHook != null || closed) {
                return;
            }
            shutdownHook = new Thread(this::shutdown, "resourceguard-" + name + "-shutdown-hook");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        shutdown();
    }

    @Override
    public ShutdownReport shutdown() {
        synchronized (shutdownLock) {
            if (shutdownReport != null) {
                return shutdownReport;
            }
            closed = true;
            long start = System.nanoTime();
            long deadline = start + Entry.saturated(config.shutdownTimeout());
            List<Entry> all = registry.snapshot();
            int count = all.size();
            for (int i = all.size() - 1; i >= 0; i--) {
                Entry e = all.get(i);
                if (e.parent == null) {
                    actions.execute("shutdown " + e.describe(), () -> {
                        if (e.markCancelling(CloseCause.SHUTDOWN)) {
                            e.runCancelTree(CloseCause.SHUTDOWN);
                        }
                        e.closeWith(CloseCause.SHUTDOWN);
                    });
                }
            }
            while (registry.size() > 0 && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(2_000_000);
            }
            // What is still registered at the timeout could not be closed in time (its close action may
            // still be running); list it before the pool is stopped and its threads interrupted.
            List<String> left = registry.snapshot().stream()
                    .map(e -> e.describe() + " " + e.state()
                            + e.runner()
                                    .map(t -> " on thread '" + t.getName() + "'")
                                    .orElse(""))
                    .collect(Collectors.toList());
            watchdog.stop();
            memory.stop();
            jmx.unregister();
            actions.shutdown(Math.max(0, deadline - System.nanoTime()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            shutdownReport = new ShutdownReport(count - left.size(), left, took);
            String msg = "[" + name + "] closed " + shutdownReport.closed() + " handle(s) in " + took.toMillis() + " ms"
                    + (left.isEmpty() ? "" : "; could not close " + left.size() + ": " + left);
            if (left.isEmpty()) {
                log.debug(msg);
            } else {
                log.warn(msg);
            }
            events.publish(Incidents.event(GuardEvent.Type.SHUTDOWN, null, CloseCause.SHUTDOWN, msg, null, null, null));
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the JVM is exiting; the hook may be what runs us
                }
            }
            return shutdownReport;
        }
    }

    @Override
    public String toString() {
        return "ResourceGuard[" + name + (closed ? ", closed" : "") + ", open=" + registry.size() + "]";
    }
}
