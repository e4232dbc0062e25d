package dev.resourceguard.examples;

import dev.resourceguard.GuardConfig;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.executors.ExecutorOptions;
import dev.resourceguard.executors.ExecutorStats;
import dev.resourceguard.executors.GuardedExecutorService;
import dev.resourceguard.executors.GuardedExecutors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The problem ResourceGuard exists for, before and after: four workers, 400 tasks, most of them done in a
 * millisecond, a few that never return (20 sleep forever, 8 spin ignoring interrupts, 8 block reading a
 * socket whose server never answers).
 *
 * <ol>
 *   <li><b>Raw pool.</b> Within a second every worker is held by a hanging task and the other tasks wait
 *       in the queue for good: the container would be restarted.
 *   <li><b>The same pool, wrapped</b> with {@code GuardedExecutors.wrap(pool, guard)} and a 200 ms task
 *       timeout. Every normal task completes; the sleepers are interrupted; the socket reads are freed by
 *       closing their sockets (child handles of the task); the spinners ignore everything, so the guard
 *       declares them stuck and gives the pool a thread for each; when they finally return, the threads
 *       are withdrawn.
 * </ol>
 *
 * Run: {@code ./scripts/demo.sh} (about 10 s).
 */
public final class WorkerExhaustionDemo {

    static final int WORKERS = 4;
    static final int TASKS = 400;
    static final Duration TASK_TIMEOUT = Duration.ofMillis(200);
    static final Duration RAW_WAIT = Duration.ofSeconds(4);

    public static void main(String[] args) throws Exception {
        // The guard logs every deadline and stuck thread; the demo prints a summary and the report instead.
        System.setProperty("org.slf4j.simpleLogger.log.dev.resourceguard", "error");

        System.out.println("\n== 1. a raw fixed pool of " + WORKERS + " workers, " + TASKS + " tasks ==");
        runRaw();

        System.out.println("\n== 2. the same pool, wrapped: GuardedExecutors.wrap(pool, guard), task timeout "
                + TASK_TIMEOUT.toMillis() + " ms ==");
        runGuarded();
    }

    private static void runRaw() throws Exception {
        ThreadPoolExecutor raw =
                new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "raw-worker");
                    t.setDaemon(true); // whatever happens, they do not keep the JVM alive
                    return t;
                });
        try (Workload work = new Workload(null)) {
            AtomicInteger finished = new AtomicInteger();
            long start = System.nanoTime();
            for (int i = 0; i < TASKS; i++) {
                Callable<String> body = work.task(i);
                raw.execute(() -> {
                    try {
                        body.call();
                    } catch (Exception freedAtCleanUp) {
                        // the clean-up below frees the hung ones
                    } finally {
                        finished.incrementAndGet();
                    }
                });
            }
            CountDownLatch never = new CountDownLatch(1);
            never.await(RAW_WAIT.toMillis(), TimeUnit.MILLISECONDS); // a demo watching the clock, not a test
            System.out.printf(
                    "after %d s: %d of %d tasks finished; %d of %d workers held by hanging tasks, %d tasks stuck in"
                            + " the queue.%n-> stalled for good: nothing will ever free those workers.%n",
                    Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                    finished.get(),
                    TASKS,
                    work.hangingNow.get(),
                    WORKERS,
                    raw.getQueue().size());
        } finally {
            raw.shutdownNow(); // the workload's close released the spinners and closed the sockets
        }
    }

    private static void runGuarded() throws Exception {
        List<GuardEvent> stuck = new CopyOnWriteArrayList<>();
        GuardConfig config = GuardConfig.builder()
                .name("demo")
                .forceCloseGrace(Duration.ofMillis(100))
                .stuckGrace(Duration.ofMillis(200))
                .eventBufferSize(8)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent e) {
                        if (e.type() == GuardEvent.Type.STUCK) {
                            stuck.add(e);
                        }
                    }
                })
                .build();
        ThreadPoolExecutor raw = (ThreadPoolExecutor) Executors.newFixedThreadPool(WORKERS);
        try (ResourceGuard guard = ResourceGuard.create(config);
                Workload work = new Workload(guard)) {
            GuardedExecutorService pool = GuardedExecutors.wrap(
                    raw,
                    guard,
                    ExecutorOptions.builder()
                            .name("workers")
                            .taskTimeout(TASK_TIMEOUT)
                            .build());
            long start = System.nanoTime();
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                futures.add(pool.submit(work.name(i), null, work.task(i)));
            }
            int completed = 0;
            int timedOut = 0;
            String example = null;
            for (int i = 0; i < TASKS; i++) {
                try {
                    futures.get(i).get(30, TimeUnit.SECONDS);
                    completed++;
                } catch (ExecutionException e) {
                    timedOut++;
                    if (example == null) {
                        example = e.getCause().toString();
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the guarded run stalled: " + pool.stats(), e);
                }
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                    "all %d tasks done in %d ms: %d completed (of %d normal ones), %d timed out at %d ms.%n",
                    TASKS, tookMs, completed, work.count(Kind.NORMAL), timedOut, TASK_TIMEOUT.toMillis());
            System.out.println("   a timed-out future says: " + example);

            // The spinners are declared stuck a little later; each gets the pool a thread.
            waitUntil(() ->
                    stuck.size() == work.count(Kind.SPINNER) && pool.stats().compensationThreads() == stuck.size());
            GuardEvent first = stuck.get(0);
            System.out.printf(
                    "%d spinners ignored interrupt and forced close: declared stuck, e.g. %s at%n%s%n",
                    stuck.size(), first.name().orElse("?"), frames(first.stack(), 3));
            System.out.printf(
                    "-> the pool grew from %d to %d threads (%d compensation threads), so %d workers stay usable:",
                    WORKERS, raw.getCorePoolSize(), pool.stats().compensationThreads(), WORKERS);
            CountDownLatch together = new CountDownLatch(WORKERS);
            List<Future<Boolean>> probes = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                probes.add(pool.submit(() -> {
                    together.countDown();
                    return together.await(10, TimeUnit.SECONDS);
                }));
            }
            for (Future<Boolean> p : probes) {
                if (!p.get(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("fewer than " + WORKERS + " usable workers");
                }
            }
            System.out.println(" " + WORKERS + " tasks waiting for each other all ran at once.");

            System.out.println("\n== the guard's report, with the spinners still stuck ==");
            System.out.println(guard.report().toText());

            work.releaseSpinners();
            waitUntil(() ->
                    pool.stats().compensationThreads() == 0 && pool.stats().stuckNow() == 0);
            System.out.printf(
                    "when the spinners finally returned, the extra threads were withdrawn: core size %d again.%n",
                    raw.getCorePoolSize());
            ExecutorStats s = pool.stats();
            System.out.printf(
                    "executor stats: submitted %d, completed %d, timed out %d, stuck %d, mean queue wait %.1f ms%n",
                    s.submitted(),
                    s.completed(),
                    s.timedOut(),
                    s.stuck(),
                    s.started() == 0 ? 0.0 : s.queueWaitNanos() / 1e6 / s.started());
            System.out.println("graceful shutdown: " + pool.shutdownGracefully(Duration.ofSeconds(2)));
        }
    }

    private static String frames(StackTraceElement[] stack, int n) {
        StringBuilder sb = new StringBuilder();
        Arrays.stream(stack)
                .limit(n)
                .forEach(f -> sb.append("     at ").append(f).append('\n'));
        return sb.toString().stripTrailing();
    }

    /** Polls a condition for up to 20 s: a demo waiting for the guard's ladder to run. */
    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("the demo waited 20 s for a condition that did not come");
            }
            Thread.sleep(10);
        }
    }

    enum Kind {
        NORMAL,
        SLEEPER,
        SPINNER,
        READER
    }

    /** The workload: 5 % sleepers, 2 % spinners, 2 % socket readers, the rest about a millisecond each. */
    static final class Workload implements AutoCloseable {
        /** Sockets as child handles: cancelling or closing the handle closes the socket. */
        static final HandleSpec<Socket> SOCKET = HandleSpec.<Socket>builder("socket")
                .onCancel(Socket::close)
                .onClose((s, cause) -> s.close())
                .build();

        final List<Kind> kinds = new ArrayList<>();
        final AtomicInteger hangingNow = new AtomicInteger();
        private final ResourceGuard guard;
        private final ServerSocket silent;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean released;

        Workload(ResourceGuard guard) throws IOException {
            for (int i = 0; i < TASKS; i++) {
                kinds.add(i < 20 ? Kind.SLEEPER : i < 28 ? Kind.SPINNER : i < 36 ? Kind.READER : Kind.NORMAL);
            }
            Collections.shuffle(kinds, new Random(42));
            this.guard = guard;
            this.silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress()); // accepts, never answers
        }

        long count(Kind k) {
            return kinds.stream().filter(x -> x == k).count();
        }

        String name(int i) {
            return kinds.get(i).name().toLowerCase() + "-" + i;
        }

        Callable<String> task(int i) {
            Kind k = kinds.get(i);
            return () -> {
                if (k == Kind.NORMAL) {
                    Thread.sleep(1);
                    return "ok";
                }
                hangingNow.incrementAndGet();
                try {
                    switch (k) {
                        case SLEEPER -> Thread.sleep(Long.MAX_VALUE);
                        case SPINNER -> spinIgnoringInterrupts();
                        default -> readSilentSocket();
                    }
                    return "returned";
                } finally {
                    hangingNow.decrementAndGet();
                }
            };
        }

        private void spinIgnoringInterrupts() {
            while (!released) {
                Thread.yield();
            }
        }

        private int readSilentSocket() throws IOException {
            Socket s = new Socket();
            sockets.add(s);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 5_000);
            if (guard == null) {
                return s.getInputStream().read(); // socket reads ignore interrupts
            }
            try (Handle<Socket> h = guard.track(s, SOCKET)) { // owned by the task
                return h.get().getInputStream().read();
            }
        }

        void releaseSpinners() {
            released = true;
        }

        @Override
        public void close() throws IOException {
            released = true;
            for (Socket s : sockets) {
                s.close();
            }
            silent.close();
        }
    }

    private WorkerExhaustionDemo() {}
}
