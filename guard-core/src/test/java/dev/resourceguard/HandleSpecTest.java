package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HandleSpecTest {

    private static void rejects(String expected, Runnable r) {
        Exception e = assertThrows(RuntimeException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void badInputIsRejectedWithTheValueInTheMessage() {
        rejects("kind must be lower case", () -> HandleSpec.builder("Browser"));
        rejects("'a b'", () -> HandleSpec.builder("a b"));
        rejects("kind", () -> HandleSpec.builder(null));
        rejects("timeout must be positive: PT-1S", () -> HandleSpec.builder("x").timeout(Duration.ofSeconds(-1)));
        rejects("timeout must be positive: PT0S", () -> HandleSpec.builder("x").timeout(Duration.ZERO));
        rejects("leakThreshold must not be negative: PT-0.001S", () -> HandleSpec.builder("x")
                .leakThreshold(Duration.ofMillis(-1)));
        rejects("costBytes must not be negative: -5", () -> HandleSpec.builder("x")
                .costBytes(-5));
        rejects("name must not be blank", () -> HandleSpec.builder("x").name(" "));
        rejects("cancel action", () -> HandleSpec.builder("x").onCancel(null));
    }

    @Test
    void trackRejectsBadArguments() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build())) {
            rejects("resource", () -> guard.track(null, HandleSpec.of("x")));
            rejects("spec", () -> guard.track("r", null));
            rejects(
                    "timeout must not be negative: PT-1S",
                    () -> guard.track("r", HandleSpec.of("x"), "n", Duration.ofSeconds(-1)));
            rejects("name must not be blank", () -> guard.track("r", HandleSpec.of("x"), "", null));
            rejects("task timeout must be positive: PT0S", () -> guard.openTask("t", Duration.ZERO));
            Handle<String> h = guard.track("r", HandleSpec.of("x"));
            rejects("costBytes must not be negative: -1", () -> h.setCostBytes(-1));
            rejects("not a handle of a ResourceGuard", () -> h.transferTo(new FakeHandle()));
            try (ResourceGuard other =
                    ResourceGuard.create(TestSupport.fast().name("other").build())) {
                Handle<String> foreign = other.track("f", HandleSpec.of("x"));
                rejects("belongs to guard 'other', not to 'test'", () -> h.transferTo(foreign));
                foreign.close();
            }
            h.close();
        }
    }

    @Test
    void toStringShowsTheSettings() {
        HandleSpec<AutoCloseable> spec = HandleSpec.<AutoCloseable>closing("client").toBuilder()
                .timeout(Duration.ofSeconds(3))
                .costBytes(1024)
                .build();
        String s = spec.toString();
        assertTrue(s.contains("kind=client") && s.contains("timeout=PT3S") && s.contains("costBytes=1024"), s);
        assertEquals(Duration.ofSeconds(3), spec.timeout());
    }

    /** A Handle implemented outside the guard. */
    private static final class FakeHandle implements Handle<Object> {
        @Override
        public Object get() {
            return null;
        }

        @Override
        public void close() {}

        @Override
        public boolean close(CloseCause cause) {
            return false;
        }

        @Override
        public boolean cancel() {
            return false;
        }

        @Override
        public boolean cancel(CloseCause cause) {
            return false;
        }

        @Override
        public void forceClose() {}

        @Override
        public Scope enter() {
            return () -> {};
        }

        @Override
        public void touch() {}

        @Override
        public void detach() {}

        @Override
        public void transferTo(Handle<?> newOwner) {}

        @Override
        public void setTimeout(Duration timeout) {}

        @Override
        public void clearDeadline() {}

        @Override
        public void setCostBytes(long bytes) {}

        @Override
        public void checkOpen() {}

        @Override
        public long id() {
            return 0;
        }

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public HandleState state() {
            return HandleState.OPEN;
        }

        @Override
        public java.util.Optional<CloseCause> closeCause() {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<HandleView> owner() {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.List<HandleView> children() {
            return java.util.List.of();
        }

        @Override
        public Duration age() {
            return Duration.ZERO;
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public java.util.Optional<Duration> remaining() {
            return java.util.Optional.empty();
        }

        @Override
        public long costBytes() {
            return 0;
        }

        @Override
        public boolean isProtected() {
            return false;
        }

        @Override
        public java.util.Optional<Throwable> allocationSite() {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Thread> runner() {
            return java.util.Optional.empty();
        }

        @Override
        public boolean isStuck() {
            return false;
        }
    }
}
