package dev.resourceguard.test;

import dev.resourceguard.HandleView;
import dev.resourceguard.ResourceGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Renders what a test left behind (open handles, live guard threads) for {@link GuardExtension}'s failure. */
final class Leftovers {

    /** Frames of an allocation site or thread stack shown per entry. */
    static final int MAX_FRAMES = 8;

    private static final String INDENT = "    ";

    private Leftovers() {}

    static String headerForHandles(String test, int count, Duration waited) {
        return test + " left " + count + " handle(s) open"
                + (waited.isZero() ? "" : " (still open " + waited.toMillis() + " ms after it ended)")
                + ": close them in the test (try-with-resources), or register the extension with"
                + " allowOpenHandles() for a test class that leaves handles open on purpose.";
    }

    /** The leftover handles of one guard, then its report. */
    static void appendGuard(StringBuilder out, ResourceGuard guard, List<HandleView> open) {
        String name = guard.config().name();
        out.append("\n\nguard '").append(name).append("': ").append(open.size()).append(" handle(s) open");
        for (HandleView h : open) {
            out.append('\n');
            appendHandle(out, h);
        }
        out.append("\n\n--- report of guard '").append(name).append("' ---\n");
        try {
            out.append(guard.report().toText());
        } catch (RuntimeException e) {
            out.append("(report failed: ").append(e).append(')');
        }
    }

    static void appendHandle(StringBuilder out, HandleView h) {
        out.append("  - ").append(h.describe()).append(' ').append(h.state());
        h.closeCause().ifPresent(c -> out.append(" (cause=").append(c).append(')'));
        out.append(", age ").append(h.age().toMillis()).append(" ms");
        h.remaining().ifPresent(r -> out.append(r.isNegative() ? ", deadline passed " : ", deadline in ")
                .append(r.abs().toMillis())
                .append(" ms"));
        out.append(h.owner().map(o -> ", owner " + o.describe()).orElse(", no owner"));
        h.runner()
                .ifPresent(t -> out.append(", running on '").append(t.getName()).append('\''));
        if (h.isStuck()) {
            out.append(", STUCK");
        }
        h.allocationSite()
                .ifPresentOrElse(
                        site -> {
                            out.append(", opened at:");
                            appendFrames(out, site.getStackTrace());
                        },
                        () -> out.append(", allocation site not captured (allocationSites is not ALWAYS)"));
    }

    static String threads(Map<Thread, StackTraceElement[]> alive, Duration waited) {
        StringBuilder out = new StringBuilder()
                .append(alive.size())
                .append(" guard thread(s) still alive ")
                .append(waited.toMillis())
                .append(" ms after the test's guards were closed; close every ResourceGuard the test creates"
                        + " (or create it with GuardExtension.newGuard()):");
        alive.forEach((t, stack) -> {
            out.append("\n  - '").append(t.getName()).append("' ").append(t.getState());
            appendFrames(out, stack);
        });
        return out.toString();
    }

    /** The first frames, up to the test framework's own. */
    static void appendFrames(StringBuilder out, StackTraceElement[] stack) {
        int shown = 0;
        for (StackTraceElement frame : stack) {
            if (shown == MAX_FRAMES || isFramework(frame)) {
                break;
            }
            out.append('\n').append(INDENT).append(INDENT).append("at ").append(frame);
            shown++;
        }
        if (shown < stack.length) {
            out.append('\n')
                    .append(INDENT)
                    .append(INDENT)
                    .append("... ")
                    .append(stack.length - shown)
                    .append(" more");
        }
    }

    private static boolean isFramework(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.startsWith("org.junit.")
                || c.startsWith("jdk.internal.reflect.")
                || c.startsWith("java.lang.reflect.")
                || c.startsWith("org.apache.maven.surefire.");
    }
}
