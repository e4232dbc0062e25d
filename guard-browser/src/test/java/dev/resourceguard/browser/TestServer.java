package dev.resourceguard.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pages for the tests, on 127.0.0.1: {@code /ok} answers a small HTML page; {@code /hang} never answers
 * (until the server stops); a URL from {@link #hangThen} also runs an action when its request arrives, so
 * that a test can act at the moment a navigation is surely in flight.
 */
final class TestServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Runnable> onHang = new ConcurrentHashMap<>();

    TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(
                "/ok", ex -> send(ex, "<html><head><title>ok</title></head><body><h1>ok</h1></body></html>"));
        server.createContext("/hang", ex -> {
            String query = ex.getRequestURI().getQuery();
            Runnable r = onHang.remove(query == null ? "" : query);
            if (r != null) {
                r.run();
            }
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * A {@code /hang} URL of its own: {@code action} runs (once) on the server thread when a request for it
     * arrives.
     */
    String hangThen(Runnable action) {
        String id = "id=" + ids.incrementAndGet();
        onHang.put(id, action);
        return url("/hang?" + id);
    }

    private static void send(HttpExchange ex, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
