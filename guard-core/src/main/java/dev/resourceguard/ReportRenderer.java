package dev.resourceguard;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Renders a {@link GuardReport}: {@link #text} for operators and logs, {@link #json} for tools.
 *
 * <p>The text escapes control characters in every string it did not write itself (names, messages,
 * frames), so a hostile handle name cannot forge log lines or break the layout. Every section has a
 * heading; an empty section says {@code none} on it. The JSON mirrors the record components one to one
 * (camelCase names, numbers as numbers, {@code null} where the model has none, instants as ISO-8601,
 * enums by name) and is written by hand, escaping what RFC 8259 requires plus U+2028/U+2029 and lone
 * surrogates.
 */
final class ReportRenderer {
    static final int SITE_FRAMES = 12;
    static final int STACK_FRAMES = 20;

    private static final double KIB = 1024.0;
    private static final double MIB = KIB * 1024;
    private static final double GIB = MIB * 1024;

    private ReportRenderer() {}

    // ---- text

    static String text(GuardReport r) {
        StringBuilder b = new StringBuilder(2048);
        line(b, "ResourceGuard '%s' at %s", clean(r.guardName()), r.time());
        totals(b, r.totals());
        kinds(b, r.kinds());
        quotas(b, r.quotas());
        memory(b, r.memory());
        sections(b, r.sections());
        oldest(b, r.oldest());
        stuck(b, r.stuck());
        events(b, r.recentEvents());
        return b.toString();
    }

    private static void totals(StringBuilder b, GuardReport.Totals t) {
        if (t == null) {
            b.append("totals: unknown\n");
            return;
        }
        line(b, "totals: %d open, %d opened, %d closed", t.open(), t.opened(), t.closed());
        line(
                b,
                "        %d deadlines exceeded, %d force-closed, %d stuck, %d leaks suspected, %d leaked, %d swept, "
                        + "%d quota timeouts, %d action failures, %d actions hung",
                t.deadlinesExceeded(),
                t.forceClosed(),
                t.stuck(),
                t.leaksSuspected(),
                t.leaked(),
                t.swept(),
                t.quotaTimeouts(),
                t.actionFailures(),
                t.actionsHung());
    }

    private static void kinds(StringBuilder b, List<GuardReport.KindSummary> kinds) {
        if (heading(b, "kinds", kinds)) {
            return;
        }
        int kindWidth = "kind".length();
        int openWidth = "open".length();
        int cancellingWidth = "cancelling".length();
        for (GuardReport.KindSummary k : kinds) {
            kindWidth = Math.max(kindWidth, clean(k.kind()).length());
            openWidth = Math.max(openWidth, Long.toString(k.open()).length());
            cancellingWidth =
                    Math.max(cancellingWidth, Long.toString(k.cancelling()).length());
        }
        String row = "  %-" + kindWidth + "s  %" + openWidth + "s  %" + cancellingWidth + "s  %s\n";
        b.append(String.format(Locale.ROOT, row, "kind", "open", "cancelling", "closed"));
        for (GuardReport.KindSummary k : kinds) {
            b.append(String.format(
                    Locale.ROOT, row, clean(k.kind()), k.open(), k.cancelling(), closed(k.closedByCause())));
        }
    }

    private static String closed(Map<CloseCause, Long> byCause) {
        StringJoiner s = new StringJoiner(", ").setEmptyValue("-");
        for (CloseCause c : CloseCause.values()) {
            Long n = byCause.get(c);
            if (n != null && n != 0) {
                s.add(c.name().toLowerCase(Locale.ROOT) + " " + n);
            }
        }
        return s.toString();
    }

    private static void quotas(StringBuilder b, List<GuardReport.QuotaInfo> quotas) {
        if (heading(b, "quotas", quotas)) {
            return;
        }
        for (GuardReport.QuotaInfo q : quotas) {
            line(b, "  %s %d/%d in use, %d waiting", clean(q.kind()), q.inUse(), q.limit(), q.waiting());
        }
    }

    private static void sections(StringBuilder b, List<GuardReport.Section> sections) {
        for (GuardReport.Section s : sections) {
            StringBuilder values = new StringBuilder();
            s.values().forEach((k, v) -> values.append(values.length() == 0 ? "" : ", ")
                    .append(clean(k))
                    .append('=')
                    .append(v instanceof String str ? clean(str) : v));
            line(b, "%s: %s", clean(s.name()), values);
        }
    }

    private static void memory(StringBuilder b, GuardReport.MemoryInfo m) {
        b.append("memory: ");
        if (m == null) {
            b.append("unknown\n");
            return;
        }
        b.append("level ").append(m.level() == null ? "unknown" : clean(m.level()));
        b.append(", heap ").append(mib(m.heapUsedBytes())).append(" of ").append(mib(m.heapMaxBytes()));
        if (m.heapAfterGcBytes() >= 0) {
            b.append(" (").append(mib(m.heapAfterGcBytes())).append(" after GC)");
        }
        b.append(", process ").append(mib(m.processResidentBytes()));
        if (m.childProcessesResidentBytes() > 0) {
            b.append(" + children ").append(mib(m.childProcessesResidentBytes()));
        }
        b.append(", limit ");
        if (m.limitBytes() < 0) {
            b.append("none");
        } else {
            b.append(mib(m.limitBytes()));
            if (m.limitSource() != null) {
                b.append(" (").append(clean(m.limitSource())).append(')');
            }
        }
        b.append('\n');
    }

    private static void oldest(StringBuilder b, List<GuardReport.HandleInfo> handles) {
        if (heading(b, "oldest handles", handles)) {
            return;
        }
        for (GuardReport.HandleInfo h : handles) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %s '%s' #%d: %s, age %s",
                    clean(h.kind()),
                    clean(h.name()),
                    h.id(),
                    h.state(),
                    duration(h.ageMillis())));
            Long remaining = h.remainingMillis();
            if (remaining == null) {
                b.append(", no deadline");
            } else if (remaining >= 0) {
                b.append(", deadline in ").append(duration(remaining));
            } else {
                b.append(", deadline passed ").append(duration(-remaining)).append(" ago");
            }
            b.append(", idle ").append(duration(h.idleMillis()));
            if (h.runner() != null) {
                b.append(", runner '").append(clean(h.runner())).append('\'');
            }
            if (h.costBytes() > 0) {
                b.append(", cost ").append(bytes(h.costBytes()));
            }
            if (h.isProtected()) {
                b.append(", protected");
            }
            if (h.stuck()) {
                b.append(", STUCK");
            }
            b.append('\n');
            if (!h.ownerChain().isEmpty()) {
                b.append("   ");
                for (String owner : h.ownerChain()) {
                    b.append(" ← ").append(clean(owner));
                }
                b.append('\n');
            }
            if (!h.allocationSite().isEmpty()) {
                b.append("    opened at\n");
                frames(b, h.allocationSite(), SITE_FRAMES);
            }
        }
    }

    private static void stuck(StringBuilder b, List<GuardReport.StuckThread> threads) {
        if (heading(b, "stuck threads", threads)) {
            return;
        }
        for (GuardReport.StuckThread t : threads) {
            line(b, "  '%s' stuck for %s in %s", clean(t.thread()), duration(t.stuckMillis()), clean(t.handle()));
            frames(b, t.stack(), STACK_FRAMES);
        }
    }

    private static void events(StringBuilder b, List<GuardEvent> events) {
        if (heading(b, "recent events", events)) {
            return;
        }
        for (GuardEvent e : events) {
            b.append("  ").append(e.time()).append(' ').append(e.type());
            e.cause()
                    .filter(c -> !c.name().equals(e.type().name()))
                    .ifPresent(c -> b.append(" (").append(c).append(')'));
            b.append(": ").append(clean(e.message()));
            e.threadName()
                    .ifPresent(t -> b.append(" [thread '").append(clean(t)).append("']"));
            b.append('\n');
        }
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    /** Writes a section heading; returns whether the section is empty (and said so). */
    private static boolean heading(StringBuilder b, String title, List<?> items) {
        if (items.isEmpty()) {
            b.append(title).append(": none\n");
            return true;
        }
        b.append(title).append(" (").append(items.size()).append("):\n");
        return false;
    }

    private static void frames(StringBuilder b, List<String> frames, int max) {
        int shown = Math.min(max, frames.size());
        for (int i = 0; i < shown; i++) {
            b.append("      at ").append(clean(frames.get(i))).append('\n');
        }
        if (frames.size() > shown) {
            b.append("      ... ").append(frames.size() - shown).append(" more\n");
        }
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}, {@code 2 h 03 min}, {@code 3 d 04 h}. */
    static String duration(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%d d %02d h", s / 86_400, s % 86_400 / 3600);
    }

    /** MiB with one decimal; a negative value (the model's "not known") reads {@code unknown}. */
    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }

    private static String bytes(long n) {
        if (n < KIB) {
            return n + " B";
        }
        if (n < MIB) {
            return String.format(Locale.ROOT, "%.1f KiB", n / KIB);
        }
        if (n < GIB) {
            return String.format(Locale.ROOT, "%.1f MiB", n / MIB);
        }
        return String.format(Locale.ROOT, "%.1f GiB", n / GIB);
    }

    /** The string on one line: control characters, U+2028 and U+2029 as Java escapes. */
    static String clean(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = null;
            if (c == '\n') {
                escape = "\\n";
            } else if (c == '\r') {
                escape = "\\r";
            } else if (c == '\t') {
                escape = "\\t";
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                escape = String.format(Locale.ROOT, "\\u%04x", (int) c);
            }
            if (escape != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    // ---- JSON

    static String json(GuardReport r) {
        StringBuilder b = new StringBuilder(4096);
        value(b, r);
        return b.toString();
    }

    /**
     * Writes any value of the model. A record is an object of its components, in declaration order, so
     * the JSON names are the component names and a component added to the model shows up here by itself.
     */
    private static void value(StringBuilder b, Object v) {
        if (v instanceof Optional<?> o) {
            v = o.orElse(null);
        }
        if (v == null || v instanceof Double d && !Double.isFinite(d)) {
            b.append("null");
        } else if (v instanceof String s) {
            quote(b, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Enum<?> e) {
            quote(b, e.name());
        } else if (v instanceof Instant || v instanceof StackTraceElement) {
            quote(b, v.toString());
        } else if (v instanceof Record record) {
            record(b, record);
        } else if (v instanceof GuardEvent e) {
            event(b, e);
        } else if (v instanceof Map<?, ?> map) {
            map(b, map);
        } else if (v instanceof Collection<?> list) {
            array(b, list);
        } else if (v instanceof StackTraceElement[] frames) {
            array(b, Arrays.asList(frames));
        } else if (v instanceof Throwable site) {
            array(b, Arrays.asList(site.getStackTrace()));
        } else {
            quote(b, v.toString());
        }
    }

    private static void record(StringBuilder b, Record r) {
        b.append('{');
        RecordComponent[] components = r.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Object v;
            try {
                v = components[i].getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + components[i], e);
            }
            field(b, i, components[i].getName(), v);
        }
        b.append('}');
    }

    private static void event(StringBuilder b, GuardEvent e) {
        b.append('{');
        field(b, 0, "type", e.type());
        field(b, 1, "time", e.time());
        field(b, 2, "handleId", e.handleId());
        field(b, 3, "kind", e.kind());
        field(b, 4, "name", e.name());
        field(b, 5, "cause", e.cause());
        field(b, 6, "message", e.message());
        field(b, 7, "threadName", e.threadName());
        field(b, 8, "stack", e.stack());
        field(b, 9, "allocationSite", e.allocationSite());
        b.append('}');
    }

    /** An object's entries: enum keys by name in declaration order, other keys in sorted order. */
    private static void map(StringBuilder b, Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        entries.sort((x, y) -> x.getKey() instanceof Enum<?> ex && y.getKey() instanceof Enum<?> ey
                ? Integer.compare(ex.ordinal(), ey.ordinal())
                : key(x).compareTo(key(y)));
        b.append('{');
        for (int i = 0; i < entries.size(); i++) {
            field(b, i, key(entries.get(i)), entries.get(i).getValue());
        }
        b.append('}');
    }

    private static String key(Map.Entry<?, ?> entry) {
        return entry.getKey() instanceof Enum<?> e ? e.name() : String.valueOf(entry.getKey());
    }

    private static void array(StringBuilder b, Collection<?> items) {
        b.append('[');
        int i = 0;
        for (Object item : items) {
            if (i++ > 0) {
                b.append(',');
            }
            value(b, item);
        }
        b.append(']');
    }

    private static void field(StringBuilder b, int index, String name, Object v) {
        if (index > 0) {
            b.append(',');
        }
        quote(b, name);
        b.append(':');
        value(b, v);
    }

    /**
     * Appends {@code s} as a JSON string: quote and backslash escaped, control characters, U+2028,
     * U+2029 (line breaks to JavaScript) and lone surrogates (not encodable as UTF-8) as {@code \}{@code
     * uXXXX}.
     */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                unicodeEscape(b, c);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(b, c);
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
}
