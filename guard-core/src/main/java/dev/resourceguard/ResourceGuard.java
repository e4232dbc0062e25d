package dev.resourceguard;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a JVM backend's workers alive: every resource registered with the guard becomes a tracked
 * {@link Handle} with an owner, an optional deadline, and a way to cancel and close it. One daemon
 * watchdog enforces every deadline with an escalation ladder (cancel, force-close children, declare
 * the thread stuck); leaks are found by age and by reachability; quotas bound open handles per kind.
 *
 * <pre>{@code
 * try (ResourceGuard guard = ResourceGuard.create(GuardConfig.fromEnvironment())) {
 *     try (Handle<MyClient> h = guard.track(client, MY_CLIENT_SPEC)) {
 *         h.get().call();
 *     }
 *     System.out.println(guard.report().toText());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Usually one per application. A guard runs a daemon watchdog thread named {@code
 * resourceguard-<name>-watchdog} and a small daemon pool of action threads named {@code
 * resourceguard-<name>-action-<n>}; {@link #close()} stops them (waiting up to the shutdown timeout).
 */
public interface ResourceGuard extends AutoCloseable {

    /** Creates and starts a guard (its watchdog thread starts now). */
    static ResourceGuard create(GuardConfig config) {
        return dev.resourceguard.internal.DefaultGuard.start(config);
    }

    /** Creates a guard with the default settings. */
    static ResourceGuard create() {
        return create(GuardConfig.defaults());
    }

    /** The settings. */
    GuardConfig config();

    /**
     * Registers a resource. The new handle is a child of the thread's current owner (if any), gets the
     * spec's deadline (if any), and waits for its kind's quota (if any).
     *
     * @throws QuotaExceededException if the kind's quota stays full for the acquire timeout
     * @throws GuardClosedException if the guard is closed
     */
    <T> Handle<T> track(T resource, HandleSpec<? super T> spec);

    /**
     * As {@link #track(Object, HandleSpec)} with a name and a deadline for this handle.
     *
     * @param name the handle's name, or {@code null} for the spec's
     * @param timeout the deadline from now, {@code null} for the spec's, {@link Duration#ZERO} for none
     */
    <T> Handle<T> track(T resource, HandleSpec<? super T> spec, String name, Duration timeout);

    /**
     * For adapters whose own wrapper is what users hold (a pooled connection's proxy, say): as {@link
     * #track(Object, HandleSpec)}, but the reachability detector watches {@code holder} instead of the
     * returned handle. When {@code holder} becomes garbage while the handle is open, the handle is closed
     * as {@code LEAKED}. The guard never refers to {@code holder} strongly, so {@code resource} must not
     * refer to it either; the holder usually keeps the returned handle in a field. Saves the handle facade
     * that reachability tracking otherwise allocates.
     *
     * @throws NullPointerException if {@code holder} is null
     */
    <T> Handle<T> trackHeldBy(T resource, HandleSpec<? super T> spec, Object holder);

    /**
     * As {@link #track(Object, HandleSpec, String, Duration)} followed by {@link Handle#enter()} on the
     * calling thread, in one step and at a lower cost: the thread is the handle's runner from the moment
     * the guard can see the handle, so a cancel that comes while it is being opened already interrupts
     * the thread (if the spec {@linkplain HandleSpec#interruptsRunner() says so}). For adapters that open
     * a handle per unit of work on the thread that does it, such as an executor's workers.
     *
     * @param name the handle's name, or {@code null} for the spec's
     * @param timeout the deadline from now, {@code null} for the spec's, {@link Duration#ZERO} for none
     * @throws QuotaExceededException if the kind's quota stays full for the acquire timeout
     * @throws GuardClosedException if the guard is closed
     * @throws HandleClosedException if the handle was closed while it was being opened (its owner ended
     *     meanwhile); the thread's owner is unchanged
     */
    default <T> EnteredHandle<T> trackAndEnter(T resource, HandleSpec<? super T> spec, String name, Duration timeout) {
        Handle<T> h = track(resource, spec, name, timeout);
        Scope scope = h.enter();
        return new EnteredHandle<>() {
            @Override
            public Handle<T> handle() {
                return h;
            }

            @Override
            public void close() {
                scope.close();
            }
        };
    }

    /**
     * Opens a task handle: work with a deadline ({@code timeout}, or {@link
     * GuardConfig#maxTaskDuration()} if {@code null}) that, once {@linkplain Handle#enter() entered}, owns
     * whatever its thread opens and is interrupted when cancelled.
     */
    Handle<String> openTask(String name, Duration timeout);

    /**
     * Runs {@code work} as a task on the calling thread: opens a task handle, enters it, closes it with
     * the outcome. If the deadline passes, the thread is interrupted and its resources cancelled.
     */
    <V> V runTask(String name, Duration timeout, java.util.concurrent.Callable<V> work) throws Exception;

    /** The handle that owns what the calling thread opens now, if any. */
    Optional<HandleView> currentOwner();

    /**
     * The open handles (a snapshot), oldest first: those {@link HandleState#OPEN} or {@link
     * HandleState#CANCELLING}; a handle whose close action is still running is already closed.
     */
    List<HandleView> openHandles();

    /**
     * The open handles registered with {@code spec} (the same instance), oldest first. For adapters
     * that need their own handles back, for example an executor shutting down.
     */
    <T> List<Handle<T>> openHandles(HandleSpec<T> spec);

    /** A snapshot of the guard's state. */
    GuardReport report();

    /** Live counters, for meter registries. */
    GuardStats stats();

    /**
     * Sweeps now: closes handles past their deadline, suspected leaks and idle handles (never protected
     * ones). Returns what it did.
     */
    SweepResult sweep();

    /** Adds a listener. */
    void addListener(GuardListener listener);

    /** Removes a listener. */
    void removeListener(GuardListener listener);

    /**
     * Adds a section to every report from now on (see {@link dev.resourceguard.spi.ReportContributor}).
     * Adding the same contributor twice adds it once.
     */
    void addReportContributor(dev.resourceguard.spi.ReportContributor contributor);

    /** Stops adding {@code contributor}'s section; nothing if it was not added. */
    void removeReportContributor(dev.resourceguard.spi.ReportContributor contributor);

    /**
     * Installs a JVM shutdown hook that closes this guard (on SIGTERM, {@code docker stop}). Idempotent.
     */
    void installShutdownHook();

    /** Whether {@link #close()} has started. */
    boolean isClosed();

    /**
     * Stops new work, cancels running tasks and closes every handle, children first, within the
     * shutdown timeout; logs and returns what it could not close. Idempotent.
     */
    ShutdownReport shutdown();

    /** As {@link #shutdown()}, ignoring the report. */
    @Override
    void close();

    /** What {@link #shutdown()} did. */
    record ShutdownReport(int closed, List<String> notClosed, Duration took) {
        public ShutdownReport {
            notClosed = List.copyOf(notClosed);
        }

        /** Whether every handle closed in time. */
        public boolean isClean() {
            return notClosed.isEmpty();
        }
    }
}
