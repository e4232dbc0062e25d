package dev.resourceguard.test;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.AssertionFailedError;

/**
 * A JUnit 5 extension that gives each test its {@link ResourceGuard}s and fails a test that leaves
 * handles open or guard threads running.
 *
 * <pre>{@code
 * class CrawlerTest {
 *     @RegisterExtension
 *     final GuardExtension guards = GuardExtension.withConfig(b -> b.quota("browser", 2)).withFakeTicker();
 *
 *     @Test
 *     void timesOut(ResourceGuard guard, FakeTicker ticker) throws Exception {
 *         Handle<String> task = guard.openTask("crawl", Duration.ofSeconds(30));
 *         ticker.advance(Duration.ofSeconds(31));
 *         Awaits.await().until(() -> task.state() != HandleState.OPEN);
 *         task.close();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Guards.</b> A test gets guards three ways, all made from the extension's configuration and
 * all closed after the test: a {@link ResourceGuard} parameter of the test method or of a
 * {@code @BeforeEach}/{@code @AfterEach} method (one guard per test, the same one as {@link #guard()}),
 * and {@link #newGuard()} or its variants for more. The configuration starts from {@link
 * GuardConfig#defaults()} with a name unique to the test ({@code test-<n>}, so that thread names tell
 * whose a thread is) and {@link AllocationSites#ALWAYS} (so that a leftover handle shows where it was
 * opened); {@link #withConfig(UnaryOperator)} changes it. With {@link #withFakeTicker()}, each test
 * gets a fresh {@link FakeTicker}, resolvable as a parameter and used by its guards.
 *
 * <p><b>After each test</b> (after the test's own {@code @AfterEach} methods), for every guard the
 * extension made in that test, it:
 *
 * <ol>
 *   <li>waits up to the {@linkplain #withCleanupTimeout(Duration) cleanup timeout} (default 5 s) for
 *       the guard to have no open handle (a task's handle may close just after {@code Future.get()}
 *       returns), then, if some are left, fails the test with each leftover handle (kind, name, id,
 *       state, age, owner, the first frames of its allocation site) and each guard's {@link
 *       dev.resourceguard.GuardReport#toText() report}. When the test has already failed, it does not
 *       wait, and the leftovers are added to the test's own failure as a suppressed exception;
 *   <li>closes the guard, always, even when failing, and fails if the guard could not close every
 *       handle within its shutdown timeout;
 *   <li>waits up to the cleanup timeout for every thread named {@code resourceguard-*} that was not
 *       alive before the test to end, and fails listing those that do not (a guard created with
 *       {@link ResourceGuard#create} and never closed is caught here).
 * </ol>
 *
 * <p>{@link #allowOpenHandles()} turns step 1 off, for a class whose tests leave handles open on
 * purpose; {@link #allowLeftoverThreads()} turns step 3 off, for tests run in parallel in one JVM
 * (where another test's threads would be blamed) or that keep a guard across tests.
 *
 * <p>Register it once per test class, on an instance field (a fresh extension per test instance) or a
 * static one (shared by the class's tests). Its settings are immutable: each {@code with*} and {@code
 * allow*} method returns a new extension. {@link #newGuard()}, {@link #guard()}, {@link #ticker()} and
 * {@link #config()} serve the test running on the calling thread (or the only test running), between
 * the extension's {@code beforeEach} and {@code afterEach}: not from a field initializer, a constructor
 * or {@code @BeforeAll}. Parameters likewise resolve for test and {@code @BeforeEach}/{@code
 * @AfterEach} methods only.
 */
public final class GuardExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** How long the extension waits for handles to close and threads to end by default. */
    public static final Duration DEFAULT_CLEANUP_TIMEOUT = Duration.ofSeconds(5);

    private static final AtomicLong TEST_SEQUENCE = new AtomicLong();

    private final UnaryOperator<GuardConfig.Builder> configurer;
    private final boolean fakeTicker;
    private final boolean checkHandles;
    private final boolean checkThreads;
    private final Duration cleanupTimeout;

    private final Namespace namespace = Namespace.create(GuardExtension.class, new Object());
    private final ThreadLocal<TestRun> current = new ThreadLocal<>();
    private final Set<TestRun> running = ConcurrentHashMap.newKeySet();

    private GuardExtension(
            UnaryOperator<GuardConfig.Builder> configurer,
            boolean fakeTicker,
            boolean checkHandles,
            boolean checkThreads,
            Duration cleanupTimeout) {
        this.configurer = configurer;
        this.fakeTicker = fakeTicker;
        this.checkHandles = checkHandles;
        this.checkThreads = checkThreads;
        this.cleanupTimeout = cleanupTimeout;
    }

    /** An extension whose guards use the default settings (see the class comment). */
    public static GuardExtension create() {
        return withConfig(UnaryOperator.identity());
    }

    /**
     * An extension whose guards use the settings {@code configurer} makes from the test defaults. The
     * configurer runs once per test, before the test; a setting it rejects fails the test.
     */
    public static GuardExtension withConfig(UnaryOperator<GuardConfig.Builder> configurer) {
        return new GuardExtension(
                Objects.requireNonNull(configurer, "configurer"), false, true, true, DEFAULT_CLEANUP_TIMEOUT);
    }

    /**
     * A copy whose tests each get a fresh {@link FakeTicker}, which their guards use (it wins over a ticker
     * the configurer sets; {@link #newGuard(GuardConfig)} uses its config as given).
     */
    public GuardExtension withFakeTicker() {
        return new GuardExtension(configurer, true, checkHandles, checkThreads, cleanupTimeout);
    }

    /** A copy that does not fail tests leaving handles open; it still closes their guards. */
    public GuardExtension allowOpenHandles() {
        return new GuardExtension(configurer, fakeTicker, false, checkThreads, cleanupTimeout);
    }

    /** A copy that does not check that guard threads end after the test. */
    public GuardExtension allowLeftoverThreads() {
        return new GuardExtension(configurer, fakeTicker, checkHandles, false, cleanupTimeout);
    }

    /**
     * A copy that waits up to {@code timeout} for handles to close and for threads to end.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public GuardExtension withCleanupTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "cleanupTimeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("cleanupTimeout must not be negative: " + timeout);
        }
        return new GuardExtension(configurer, fakeTicker, checkHandles, checkThreads, timeout);
    }

    /** The current test's guard, the one {@link ResourceGuard} parameters receive; made on first use. */
    public ResourceGuard guard() {
        return run().sharedGuard();
    }

    /** A new guard with the current test's configuration, closed after the test. */
    public ResourceGuard newGuard() {
        TestRun run = run();
        return run.track(run.config);
    }

    /** A new guard with the current test's configuration changed by {@code more}, closed after the test. */
    public ResourceGuard newGuard(UnaryOperator<GuardConfig.Builder> more) {
        TestRun run = run();
        return run.track(more.apply(run.config.toBuilder()).build());
    }

    /** A new guard with exactly {@code config}, closed after the test. */
    public ResourceGuard newGuard(GuardConfig config) {
        return run().track(Objects.requireNonNull(config, "config"));
    }

    /**
     * The current test's fake ticker.
     *
     * @throws IllegalStateException without {@link #withFakeTicker()}
     */
    public FakeTicker ticker() {
        TestRun run = run();
        if (run.ticker == null) {
            throw new IllegalStateException("no FakeTicker: register the extension with withFakeTicker()");
        }
        return run.ticker;
    }

    /** The configuration of the current test's guards. */
    public GuardConfig config() {
        return run().config;
    }

    // ---- JUnit callbacks

    @Override
    public void beforeEach(ExtensionContext context) {
        FakeTicker ticker = fakeTicker ? new FakeTicker() : null;
        GuardConfig.Builder builder = GuardConfig.builder()
                .name("test-" + TEST_SEQUENCE.incrementAndGet())
                .allocationSites(AllocationSites.ALWAYS);
        builder = Objects.requireNonNull(configurer.apply(builder), "the configurer returned null");
        if (ticker != null) {
            builder.ticker(ticker);
        }
        Set<Thread> before = checkThreads ? GuardThreads.alive() : Set.of();
        TestRun run = new TestRun(testName(context), builder.build(), ticker, before);
        context.getStore(namespace).put(TestRun.class, run);
        current.set(run);
        running.add(run);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestRun run = context.getStore(namespace).remove(TestRun.class, TestRun.class);
        current.remove();
        if (run == null) {
            return;
        }
        running.remove(run);
        List<ResourceGuard> guards = run.finish();
        List<String> problems = new ArrayList<>();
        try {
            if (checkHandles) {
                boolean testFailed = context.getExecutionException().isPresent();
                checkHandles(run, guards, testFailed ? Duration.ZERO : cleanupTimeout, problems);
            }
        } catch (RuntimeException e) {
            problems.add("checking the open handles of " + run.testName + " failed: " + e);
        } finally {
            closeAll(guards, problems);
        }
        if (checkThreads) {
            checkThreads(run, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionFailedError(String.join("\n\n", problems));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ResourceGuard.class || type == FakeTicker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        TestRun run = context.getStore(namespace).get(TestRun.class, TestRun.class);
        if (run == null) {
            throw new ParameterResolutionException("GuardExtension resolves " + type.getSimpleName()
                    + " parameters of test methods and @BeforeEach/@AfterEach methods only, not of "
                    + parameter.getDeclaringExecutable());
        }
        if (type == FakeTicker.class) {
            if (run.ticker == null) {
                throw new ParameterResolutionException("a FakeTicker parameter needs the extension registered"
                        + " with withFakeTicker(): GuardExtension.create().withFakeTicker()");
            }
            return run.ticker;
        }
        return run.sharedGuard();
    }

    // ---- the checks

    private void checkHandles(TestRun run, List<ResourceGuard> guards, Duration wait, List<String> problems) {
        if (guards.isEmpty()
                || awaitQuietly(
                        wait, () -> guards.stream().allMatch(g -> stillOpen(g).isEmpty()))) {
            return;
        }
        Map<ResourceGuard, List<HandleView>> left = new LinkedHashMap<>();
        for (ResourceGuard g : guards) {
            List<HandleView> open = stillOpen(g);
            if (!open.isEmpty()) {
                left.put(g, open);
            }
        }
        if (left.isEmpty()) { // closed between the last poll and now
            return;
        }
        int count = left.values().stream().mapToInt(List::size).sum();
        StringBuilder out = new StringBuilder(Leftovers.headerForHandles(run.testName, count, wait));
        left.forEach((g, open) -> Leftovers.appendGuard(out, g, open));
        problems.add(out.toString());
    }

    private static List<HandleView> stillOpen(ResourceGuard guard) {
        return guard.openHandles().stream()
                .filter(h -> h.state() != HandleState.CLOSED)
                .collect(Collectors.toList());
    }

    private static void closeAll(List<ResourceGuard> guards, List<String> problems) {
        for (int i = guards.size() - 1; i >= 0; i--) {
            ResourceGuard g = guards.get(i);
            try {
                ResourceGuard.ShutdownReport report = g.shutdown();
                if (!report.isClean()) {
                    problems.add("guard '" + g.config().name() + "' could not close "
                            + report.notClosed().size()
                            + " handle(s) within its shutdown timeout ("
                            + g.config().shutdownTimeout() + "): "
                            + report.notClosed());
                }
            } catch (RuntimeException e) {
                problems.add("closing guard '" + g.config().name() + "' failed: " + e);
            }
        }
    }

    private void checkThreads(TestRun run, List<String> problems) {
        if (awaitQuietly(cleanupTimeout, () -> GuardThreads.startedSince(run.threadsBefore)
                .isEmpty())) {
            return;
        }
        Set<Thread> alive = GuardThreads.startedSince(run.threadsBefore);
        if (!alive.isEmpty()) {
            problems.add(run.testName + ": " + Leftovers.threads(GuardThreads.withStacks(alive), cleanupTimeout));
        }
    }

    /** Whether {@code condition} became true within {@code wait} (checked at least once). */
    private static boolean awaitQuietly(Duration wait, Callable<Boolean> condition) {
        try {
            if (wait.isZero()) {
                return condition.call();
            }
            Awaits.await().atMost(wait).dontCatchUncaughtExceptions().until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private TestRun run() {
        TestRun run = current.get();
        if (run != null) {
            return run;
        }
        List<TestRun> now = List.copyOf(running);
        if (now.size() == 1) {
            return now.get(0); // called from a thread the test started
        }
        if (now.isEmpty()) {
            throw new IllegalStateException("no test is running: use GuardExtension from a test method or"
                    + " @BeforeEach/@AfterEach, not from a field initializer, a constructor or @BeforeAll,"
                    + " and register it with @RegisterExtension");
        }
        throw new IllegalStateException(
                now.size() + " tests are running with this extension; call it from the test's own thread");
    }

    private static String testName(ExtensionContext context) {
        String cls = context.getTestClass().map(Class::getSimpleName).orElse("?");
        String method = context.getTestMethod().map(m -> m.getName() + "()").orElse(context.getDisplayName());
        return "test " + cls + "." + method;
    }
}
