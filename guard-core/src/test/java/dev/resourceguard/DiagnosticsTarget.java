package dev.resourceguard;

/** A JVM with a guard and one open handle, for {@link DiagnosticsTest}; exits when its stdin closes. */
public final class DiagnosticsTarget {
    public static void main(String[] args) throws Exception {
        try (ResourceGuard guard = ResourceGuard.create(
                        GuardConfig.builder().name("cli-target").build());
                Handle<String> h = guard.track("db", HandleSpec.of("connection"), "orders-db", null)) {
            System.out.println("READY " + h.describe());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close stdin
            }
        }
    }

    private DiagnosticsTarget() {}
}
