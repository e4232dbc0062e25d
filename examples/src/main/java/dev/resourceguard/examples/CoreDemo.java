package dev.resourceguard.examples;

import dev.resourceguard.AllocationSites;
import dev.resourceguard.CloseCause;
import dev.resourceguard.DeadlineExceededException;
import dev.resourceguard.GuardConfig;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.ResourceGuard;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * The core at work, in three short acts:
 *
 * <ol>
 *   <li>A tool call blocks reading a socket whose server never answers. Interrupting the thread would
 *       not help (socket reads ignore interrupts); at the deadline the guard closes the socket, its
 *       child handle, and the call returns.
 *   <li>A task "forgets" to close a connection-like resource. When the task ends, the guard closes it
 *       and reports the leak with the line that opened it.
 *   <li>A handle dropped on the floor is found by the garbage collector and reported as leaked.
 * </ol>
 *
 * Run: {@code ./scripts/demo.sh core}.
 */
public final class CoreDemo {

    /** Sockets as handles: cancelling or closing the handle closes the socket, which frees a blocked read. */
    static final HandleSpec<Socket> SOCKET = HandleSpec.<Socket>builder("socket")
            .onCancel(Socket::close)
            .onClose((s, cause) -> s.close())
            .build();

    public static void main(String[] args) throws Exception {
        GuardConfig config = GuardConfig.builder()
                .name("demo")
                .allocationSites(AllocationSites.ALWAYS)
                .forceCloseGrace(Duration.ofMillis(500))
                .build();
        try (ResourceGuard guard = ResourceGuard.create(config);
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {

            System.out.println("\n== 1. a tool call that never returns, deadline 300 ms ==");
            long start = System.nanoTime();
            try {
                guard.runTask("fetch-quote", Duration.ofMillis(300), () -> {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), silent.getLocalPort());
                    try (Handle<Socket> h = guard.track(socket, SOCKET); // owned by the task
                            InputStream in = h.get().getInputStream()) {
                        return in.read(); // the server never writes: blocks until the guard closes the socket
                    }
                });
            } catch (DeadlineExceededException e) {
                System.out.printf(
                        "-> freed after %d ms: %s%n   (the blocked read saw: %s)%n",
                        (System.nanoTime() - start) / 1_000_000, e.getMessage(), e.getCause());
            }

            System.out.println("\n== 2. a task that forgets to close what it opened ==");
            guard.runTask("summarise", Duration.ofSeconds(5), () -> {
                openConnectionAndForgetIt(guard);
                return null;
            });
            System.out.println(
                    "-> leaked so far: " + guard.stats().leaked() + " (closed by the guard, see WARN above)");

            System.out.println("\n== 3. a handle dropped without close ==");
            dropAHandle(guard);
            for (int i = 0; i < 200 && guard.stats().leaked() < 2; i++) {
                System.gc();
                Thread.sleep(10); // a demo waiting for the GC, not a test
            }
            System.out.println("-> leaked so far: " + guard.stats().leaked());

            System.out.println("\n== the guard's report ==");
            System.out.println(guard.report().toText());
        }
    }

    private static void openConnectionAndForgetIt(ResourceGuard guard) {
        guard.track(
                new FakeConnection("orders-db"),
                HandleSpec.<FakeConnection>builder("connection")
                        .onClose((c, cause) -> c.close(cause))
                        .trackReachability(false)
                        .build());
    }

    private static void dropAHandle(ResourceGuard guard) {
        Handle<FakeConnection> h = guard.track(
                new FakeConnection("analytics-db"),
                HandleSpec.<FakeConnection>builder("connection")
                        .onClose((c, cause) -> c.close(cause))
                        .build());
        System.out.println("opened " + h.describe() + " and dropped it");
    }

    /** Stands in for a JDBC connection (guard-jdbc does this for real). */
    record FakeConnection(String name) {
        void close(CloseCause cause) throws IOException {
            System.out.println(
                    "   " + name + " closed by the guard (" + cause + ", rolled back: " + cause.wasForced() + ")");
        }
    }

    private CoreDemo() {}
}
