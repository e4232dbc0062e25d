package dev.resourceguard.jdbc;

import java.util.ArrayDeque;
import java.util.Deque;

/** Closes what a test opened, last first, even when some closes fail. */
final class Closer {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T closeable) {
        open.push(closeable);
        return closeable;
    }

    void closeAll() throws Exception {
        Exception failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
