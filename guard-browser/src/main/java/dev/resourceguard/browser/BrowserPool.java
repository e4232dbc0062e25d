package dev.resourceguard.browser;

import com.microsoft.playwright.Browser;
import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardClosedException;
import dev.resourceguard.GuardException;
import dev.resourceguard.GuardReport;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.QuotaExceededException;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.spi.ReportContributor;
import dev.resourceguard.spi.ResourceKinds;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded set of browsers for a server: each {@link #acquire()} leases one browser <em>exclusively</em>
 * and opens a fresh context in it; closing the context gives the browser back.
 *
 * <pre>{@code
 * BrowserPool pool = BrowserPool.create(guard, 4);
 * // in a task (for example on a guarded executor):
 * try (GuardedContext ctx = pool.acquire(); GuardedPage page = ctx.newPage()) {
 *     page.page().navigate(url);
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Playwright is not thread-safe, so a browser here is used by one thread at a time:
 * every browser has its own Playwright (its own driver and connection), and a lease hands the whole browser
 * to the acquiring thread; the pool's lock orders one lessee's calls before the next one's (Playwright's
 * rule allows external synchronisation). The alternatives are worse for this API: one Playwright shared by
 * many threads races on its connection, and a dedicated thread per browser would have to proxy every
 * {@code Page} method instead of handing out Playwright's own objects. The price: at most {@code
 * maxBrowsers} contexts at once, one per browser (which is also the isolation a server wants).
 *
 * <p><b>Waiting.</b> When every browser is leased, {@code acquire} waits up to the guard's {@link
 * dev.resourceguard.GuardConfig#acquireTimeout() acquire timeout} (or the given one) and then throws the
 * core's {@link QuotaExceededException} naming the oldest lessees. Launching a browser also takes the
 * guard's {@code browser} quota, if configured (which must then be at least {@code maxBrowsers}).
 *
 * <p><b>Failures.</b> A lease's context is a child of the acquiring task: at the task's deadline the
 * browser is killed and the pool replaces it. Crashed, killed, swept or recycled browsers are replaced on
 * the next acquire. Closing the pool closes every browser (leased ones are killed).
 */
public final class BrowserPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ResourceGuard guard;
    private final BrowserOptions options;
    private final int maxBrowsers;
    private final Semaphore permits;
    private final Deque<Member> idle = new ArrayDeque<>(); // guarded by this
    private final Set<Member> members = new LinkedHashSet<>(); // guarded by this
    private final AtomicInteger launches = new AtomicInteger();
    private volatile boolean closed;
    /** The pool's counts as a section of the guard's reports, while the pool is open. */
    private final ReportContributor section;

    /** A pooled browser. */
    private static final class Member {
        final Handle<BrowserSession> handle;
        final BrowserSession session;
        volatile ContextState lease;

        Member(Handle<BrowserSession> handle) {
            this.handle = handle;
            this.session = handle.get();
        }
    }

    private BrowserPool(ResourceGuard guard, int maxBrowsers, BrowserOptions options) {
        this.guard = guard;
        this.maxBrowsers = maxBrowsers;
        this.options = options;
        this.permits = new Semaphore(maxBrowsers, true);
        String name = "browser pool #" + POOLS.incrementAndGet();
        this.section = () -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("max", maxBrowsers);
            values.put("browsers", browsers());
            values.put("idle", idleBrowsers());
            values.put("leased", leased());
            values.put("waiting", permits.getQueueLength());
            values.put("launches", launches());
            return new GuardReport.Section(name, values);
        };
    }

    /** A pool of at most {@code maxBrowsers} browsers with the default options. */
    public static BrowserPool create(ResourceGuard guard, int maxBrowsers) {
        return create(guard, maxBrowsers, BrowserOptions.defaults());
    }

    /**
     * A pool of at most {@code maxBrowsers} browsers launched with {@code options}. Browsers are launched
     * on demand.
     *
     * @throws IllegalArgumentException if {@code maxBrowsers} is below 1 or above the guard's {@code
     *     browser} quota
     */
    public static BrowserPool create(ResourceGuard guard, int maxBrowsers, BrowserOptions options) {
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(options, "options");
        if (maxBrowsers < 1) {
            throw new IllegalArgumentException("maxBrowsers must be at least 1: " + maxBrowsers);
        }
        Integer quota = guard.config().quotas().get(ResourceKinds.BROWSER);
        if (quota != null && quota < maxBrowsers) {
            throw new IllegalArgumentException("maxBrowsers (" + maxBrowsers + ") exceeds the guard's browser quota ("
                    + quota + "); the pool could never launch them all");
        }
        BrowserPool pool = new BrowserPool(guard, maxBrowsers, options);
        guard.addReportContributor(pool.section);
        return pool;
    }

    /** Leases a browser and opens a context in it, waiting up to the guard's acquire timeout. */
    public GuardedContext acquire() {
        return acquire(guard.config().acquireTimeout(), null);
    }

    /** Leases a browser and opens a context in it, waiting up to {@code timeout}. */
    public GuardedContext acquire(Duration timeout) {
        return acquire(timeout, null);
    }

    /**
     * Leases a browser and opens a context (made with {@code contextOptions}) in it, waiting up to {@code
     * timeout} for a browser.
     *
     * @throws QuotaExceededException if every browser stays leased for {@code timeout}
     * @throws GuardClosedException if the pool or the guard is closed
     * @throws BrowserLaunchException if a browser had to be launched and could not be
     */
    public GuardedContext acquire(Duration timeout, Browser.NewContextOptions contextOptions) {
        Objects.requireNonNull(timeout, "timeout");
        checkOpen();
        long start = System.nanoTime();
        boolean ok;
        try {
            ok = permits.tryAcquire(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardException("[" + guard.config().name() + "] interrupted while waiting for a pooled browser");
        }
        if (!ok) {
            throw new QuotaExceededException(exhausted(System.nanoTime() - start), ResourceKinds.BROWSER, maxBrowsers);
        }
        AtomicBoolean returned = new AtomicBoolean();
        Member m = null;
        try {
            checkOpen();
            m = takeIdle();
            if (m == null) {
                m = launch();
            }
            Member member = m;
            member.session.use();
            Handle<ContextState> h =
                    member.session.newContext(member.handle, contextOptions, (cs, cause) -> giveBack(member, returned));
            member.lease = h.get();
            return new GuardedContext(h);
        } catch (RuntimeException | Error e) {
            if (m != null) {
                giveBack(m, returned);
            } else if (returned.compareAndSet(false, true)) {
                permits.release();
            }
            throw e;
        }
    }

    private Member takeIdle() {
        while (true) {
            Member m;
            synchronized (this) {
                m = idle.pollFirst();
            }
            if (m == null || m.session.isAlive()) {
                return m;
            }
            discard(m); // died while idle
        }
    }

    private Member launch() {
        Member m = new Member(Launcher.launch(guard, options, true));
        launches.incrementAndGet();
        boolean closedMeanwhile;
        synchronized (this) {
            members.add(m);
            closedMeanwhile = closed;
        }
        if (closedMeanwhile) {
            discard(m);
            checkOpen();
        }
        return m;
    }

    /**
     * The lease's context was released (on whatever thread closed it). The browser goes back to the idle
     * set only if it is healthy and the lessee's own thread closed the lease: a lease closed by another
     * thread (the guard's watchdog, a leak) may still have a thread inside Playwright, so its browser is
     * killed instead.
     */
    private void giveBack(Member m, AtomicBoolean returned) {
        if (!returned.compareAndSet(false, true)) {
            return;
        }
        try {
            m.lease = null;
            boolean reusable = !closed
                    && m.session.isAlive()
                    && Thread.currentThread() == m.session.ownerThread
                    && m.handle.state() == HandleState.OPEN;
            if (reusable) {
                m.session.ownerThread = null;
                synchronized (this) {
                    idle.addFirst(m);
                }
            } else {
                discard(m);
            }
        } finally {
            permits.release();
        }
    }

    private void discard(Member m) {
        synchronized (this) {
            members.remove(m);
            idle.remove(m);
        }
        m.handle.close(m.session.closeCause());
        Teardown.closeJavaSideIfOwner(m.session);
    }

    private void checkOpen() {
        if (closed) {
            throw new GuardClosedException("[" + guard.config().name() + "] browser pool is closed");
        }
    }

    private String exhausted(long waitedNanos) {
        List<String> holders = new ArrayList<>();
        synchronized (this) {
            for (Member m : members) {
                ContextState lease = m.lease;
                Handle<ContextState> h = lease == null ? null : lease.handle();
                if (h != null && holders.size() < 3) {
                    holders.add(h.describe() + " " + h.age().toMillis() / 1000.0 + " s"
                            + h.owner()
                                    .map(HandleView::describe)
                                    .map(o -> " held by " + o)
                                    .orElse(""));
                }
            }
        }
        return "[" + guard.config().name() + "] browser pool of " + maxBrowsers + " exhausted after "
                + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms (leased=" + leased() + ", waiting="
                + permits.getQueueLength() + ", oldest: " + (holders.isEmpty() ? "none" : String.join(", ", holders))
                + ")";
    }

    public int maxBrowsers() {
        return maxBrowsers;
    }

    /** Browsers alive now (idle or leased). */
    public synchronized int browsers() {
        return members.size();
    }

    public synchronized int idleBrowsers() {
        return idle.size();
    }

    public int leased() {
        return maxBrowsers - permits.availablePermits();
    }

    /** Browsers launched so far (replacements included). */
    public int launches() {
        return launches.get();
    }

    /**
     * Closes every browser: idle ones through Playwright, leased ones by killing them (their lessees' calls
     * fail). Idempotent.
     */
    @Override
    public void close() {
        List<Member> all;
        Set<Member> wasIdle;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            guard.removeReportContributor(section);
            all = new ArrayList<>(members);
            wasIdle = new LinkedHashSet<>(idle);
            idle.clear();
        }
        for (Member m : all) {
            if (wasIdle.contains(m)) {
                m.session.use(); // nobody leases it: this thread may close it through Playwright
            }
            m.session.closeChildren(CloseCause.SHUTDOWN, false);
            discard(m);
        }
    }

    @Override
    public String toString() {
        return "BrowserPool{max=" + maxBrowsers + ", browsers=" + browsers() + ", idle=" + idleBrowsers() + ", leased="
                + leased() + ", launches=" + launches() + (closed ? ", closed" : "") + '}';
    }
}
