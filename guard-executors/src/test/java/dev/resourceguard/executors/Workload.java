package dev.resourceguard.executors;

import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker-exhaustion workload of the issue: most tasks take about a millisecond; a few sleep forever
 * (interruptible), spin ignoring interrupts, or block reading a local socket whose server never answers.
 * Close it in a {@code finally}: that releases the spinners and closes every socket.
 */
final class Workload implements AutoCloseable {

    enum Kind {
        NORMAL,
        SLEEPER,
        SPINNER,
        READER;

        boolean hangs() {
            return this != NORMAL;
        }
    }

    /** Sockets as child handles: cancelling or closing the handle closes the socket, freeing a blocked read. */
    static final HandleSpec<Socket> SOCKET = HandleSpec.<Socket>builder("socket")
            .onCancel(Socket::close)
            .onClose((s, cause) -> s.close())
            .build();

    final List<Kind> kinds;
    private final ResourceGuard guard; // null: sockets are not tracked
    private final ServerSocket silent;
    private final AtomicBoolean release = new AtomicBoolean();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Hanging tasks whose body is running now. */
    final AtomicInteger hangingNow = new AtomicInteger();

    /**
     * {@code total} tasks: 5 % sleepers, 2 % spinners, 2 % socket readers, the rest normal, shuffled with a
     * fixed seed.
     */
    Workload(int total, ResourceGuard guard) throws IOException {
        List<Kind> list = new ArrayList<>();
        int sleepers = total * 5 / 100;
        int spinners = total * 2 / 100;
        int readers = total * 2 / 100;
        for (int i = 0; i < total; i++) {
            list.add(
                    i < sleepers
                            ? Kind.SLEEPER
                            : i < sleepers + spinners
                                    ? Kind.SPINNER
                                    : i < sleepers + spinners + readers ? Kind.READER : Kind.NORMAL);
        }
        Collections.shuffle(list, new Random(42));
        this.kinds = Collections.unmodifiableList(list);
        this.guard = guard;
        this.silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    }

    long count(Kind k) {
        return kinds.stream().filter(x -> x == k).count();
    }

    static String name(Kind k, int i) {
        return k.name().toLowerCase() + "-" + i;
    }

    Callable<String> task(int i) {
        Kind k = kinds.get(i);
        return () -> {
            if (k == Kind.NORMAL) {
                Thread.sleep(1);
                return "ok-" + i;
            }
            hangingNow.incrementAndGet();
            try {
                switch (k) {
                    case SLEEPER -> Thread.sleep(Long.MAX_VALUE);
                    case SPINNER -> spinIgnoringInterrupts();
                    default -> readSilentSocket();
                }
                return "returned-" + i;
            } finally {
                hangingNow.decrementAndGet();
            }
        };
    }

    /**
     * Never returns until released and ignores interrupts. It spins in short bursts and backs off for a
     * millisecond between them: eight busy spinners would take both cores of a small, shared machine from
     * the workers (and, on virtual threads, their carriers), which is not what this test is about.
     */
    void spinIgnoringInterrupts() {
        while (!release.get()) {
            for (int i = 0; i < 1_000 && !release.get(); i++) {
                Thread.onSpinWait();
            }
            Thread.interrupted(); // ignored; cleared so that the back-off still waits
            LockSupport.parkNanos(1_000_000);
        }
    }

    private int readSilentSocket() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 5_000);
        if (guard == null) {
            return s.getInputStream().read();
        }
        try (Handle<Socket> h = guard.track(s, SOCKET)) { // a child of the task
            return h.get().getInputStream().read();
        }
    }

    /** Lets the spinners return. */
    void releaseSpinners() {
        release.set(true);
    }

    @Override
    public void close() throws IOException {
        release.set(true);
        for (Socket s : sockets) {
            s.close();
        }
        silent.close();
    }
}
