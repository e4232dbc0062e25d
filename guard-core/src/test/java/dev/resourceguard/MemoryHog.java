package dev.resourceguard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workload of {@link MemoryPressureChildJvmTest}, run in a child JVM with a small heap: four
 * workers keep running tasks that each grow a buffer to 60 MiB (256 KiB every 10 ms), hold it briefly
 * and finish. Four at once need 240 MiB. Run with {@code raw} it has no guard; with {@code guarded}
 * each task is a guarded task that declares its buffer as its cost, so emergency sweeps cancel the
 * largest. Prints {@code SURVIVED ...} and the guard's report if the JVM lives to the end.
 */
public final class MemoryHog {
    static final int CHUNK = 256 * 1024;
    static final int TARGET_CHUNKS = 60 * 4; // 60 MiB

    public static void main(String[] args) throws Exception {
        boolean guarded = args[0].equals("guarded");
        long runNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        ResourceGuard guard = guarded
                ? ResourceGuard.create(GuardConfig.builder()
                        .name("hog")
                        .memoryHigh(0.6)
                        .memoryCritical(0.7)
                        .memoryRecovery(0.4)
                        .build())
                : null;
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hog-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        long end = System.nanoTime() + runNanos;
        int submitted = 0;
        while (System.nanoTime() - end < 0) {
            if (running.get() < 4) {
                running.incrementAndGet();
                int n = ++submitted;
                pool.execute(() -> {
                    try {
                        grow(guard, n, completed, cancelled);
                    } finally {
                        running.decrementAndGet();
                    }
                });
            } else {
                Thread.sleep(5); // pacing the workload's producer
            }
        }
        pool.shutdownNow();
        System.out.println("SURVIVED submitted=" + submitted + " completed=" + completed + " cancelled=" + cancelled
                + (guard == null ? "" : " sweeps=" + guard.stats().sweeps("CRITICAL")));
        if (guard != null) {
            System.out.println(guard.report().toText());
            guard.close();
        }
        System.exit(0);
    }

    private static void grow(ResourceGuard guard, int n, AtomicInteger completed, AtomicInteger cancelled) {
        Handle<String> task = guard == null ? null : guard.openTask("hog-" + n, Duration.ofMinutes(1));
        List<byte[]> held = new ArrayList<>();
        try (Scope s = task == null ? null : task.enter()) {
            while (held.size() < TARGET_CHUNKS) {
                held.add(new byte[CHUNK]);
                if (task != null) {
                    task.setCostBytes((long) held.size() * CHUNK);
                }
                Thread.sleep(10);
            }
            Thread.sleep(300);
            completed.incrementAndGet();
        } catch (InterruptedException e) {
            cancelled.incrementAndGet();
        } finally {
            held.clear();
            if (task != null) {
                task.close();
            }
        }
    }

    private MemoryHog() {}
}
