package dev.resourceguard;

import java.time.Instant;
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

    private static void memory(StringBuilder b, GuardReport.MemoryInfo m) {
        b.append("memory: ");
        if (m == null) {
            b.append("unknown\n");
            return;
        }
        b.append("level ").append(m.level() == null ? "unknown" : clean(m.level()));
        b.append(", heap ").append(mib(m.heapUsedBytes())).append(" of ").append(mib(m.heapMaxBytes()));
        b.append(", process ").append(mib(m.processResidentBytes()));
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
        Json j = new Json();
        j.beginObject();
        j.name("guardName").value(r.guardName());
        j.name("time").value(r.time());
        j.name("totals");
        totals(j, r.totals());
        j.name("kinds").beginArray();
        for (GuardReport.KindSummary k : r.kinds()) {
            j.beginObject();
            j.name("kind").value(k.kind());
            j.name("open").value(k.open());
            j.name("cancelling").value(k.cancelling());
            j.name("closedByCause").beginObject();
            for (CloseCause c : CloseCause.values()) {
                Long n = k.closedByCause().get(c);
                if (n != null) {
                    j.name(c.name()).value(n);
                }
            }
            j.endObject();
            j.endObject();
        }
        j.endArray();
        j.name("oldest").beginArray();
        for (GuardReport.HandleInfo h : r.oldest()) {
            handle(j, h);
        }
        j.endArray();
        j.name("stuck").beginArray();
        for (GuardReport.StuckThread t : r.stuck()) {
            j.beginObject();
            j.name("handleId").value(t.handleId());
            j.name("handle").value(t.handle());
            j.name("thread").value(t.thread());
            j.name("stuckMillis").value(t.stuckMillis());
            j.name("stack").strings(t.stack());
            j.endObject();
        }
        j.endArray();
        j.name("quotas").beginArray();
        for (GuardReport.QuotaInfo q : r.quotas()) {
            j.beginObject();
            j.name("kind").value(q.kind());
            j.name("limit").value(q.limit());
            j.name("inUse").value(q.inUse());
            j.name("waiting").value(q.waiting());
            j.endObject();
        }
        j.endArray();
        j.name("memory");
        memory(j, r.memory());
        j.name("recentEvents").beginArray();
        for (GuardEvent e : r.recentEvents()) {
            event(j, e);
        }
        j.endArray();
        j.endObject();
        return j.toString();
    }

    private static void totals(Json j, GuardReport.Totals t) {
        if (t == null) {
            j.nullValue();
            return;
        }
        j.beginObject();
        j.name("opened").value(t.opened());
        j.name("open").value(t.open());
        j.name("closed").value(t.closed());
        j.name("deadlinesExceeded").value(t.deadlinesExceeded());
        j.name("forceClosed").value(t.forceClosed());
        j.name("stuck").value(t.stuck());
        j.name("leaksSuspected").value(t.leaksSuspected());
        j.name("leaked").value(t.leaked());
        j.name("swept").value(t.swept());
        j.name("quotaTimeouts").value(t.quotaTimeouts());
        j.name("actionFailures").value(t.actionFailures());
        j.name("actionsHung").value(t.actionsHung());
        j.endObject();
    }

    private static void handle(Json j, GuardReport.HandleInfo h) {
        j.beginObject();
        j.name("id").value(h.id());
        j.name("kind").value(h.kind());
        j.name("name").value(h.name());
        j.name("state").value(h.state());
        j.name("ageMillis").value(h.ageMillis());
        j.name("remainingMillis").value(h.remainingMillis());
        j.name("idleMillis").value(h.idleMillis());
        j.name("costBytes").value(h.costBytes());
        j.name("isProtected").value(h.isProtected());
        j.name("stuck").value(h.stuck());
        j.name("runner").value(h.runner());
        j.name("ownerChain").strings(h.ownerChain());
        j.name("allocationSite").strings(h.allocationSite());
        j.endObject();
    }

    private static void memory(Json j, GuardReport.MemoryInfo m) {
        if (m == null) {
            j.nullValue();
            return;
        }
        j.beginObject();
        j.name("heapUsedBytes").value(m.heapUsedBytes());
        j.name("heapMaxBytes").value(m.heapMaxBytes());
        j.name("processResidentBytes").value(m.processResidentBytes());
        j.name("limitBytes").value(m.limitBytes());
        j.name("limitSource").value(m.limitSource());
        j.name("level").value(m.level());
        j.endObject();
    }

    private static void event(Json j, GuardEvent e) {
        j.beginObject();
        j.name("type").value(e.type());
        j.name("time").value(e.time());
        j.name("handleId").value(e.handleId());
        j.name("kind").value(e.kind());
        j.name("name").value(e.name());
        j.name("cause").value(e.cause());
        j.name("message").value(e.message());
        j.name("threadName").value(e.threadName());
        j.name("stack").frames(e.stack());
        j.name("allocationSite");
        Optional<Throwable> site = e.allocationSite();
        if (site.isPresent()) {
            j.frames(site.get().getStackTrace());
        } else {
            j.nullValue();
        }
        j.endObject();
    }

    /** A minimal streaming writer: it places the commas, the caller places the names. */
    private static final class Json {
        private final StringBuilder b = new StringBuilder(4096);
        private boolean first = true;
        private boolean afterName;

        private void separate() {
            if (afterName) {
                afterName = false;
            } else if (!first) {
                b.append(',');
            }
            first = false;
        }

        Json beginObject() {
            separate();
            b.append('{');
            first = true;
            return this;
        }

        Json endObject() {
            b.append('}');
            first = false;
            return this;
        }

        Json beginArray() {
            separate();
            b.append('[');
            first = true;
            return this;
        }

        Json endArray() {
            b.append(']');
            first = false;
            return this;
        }

        Json name(String name) {
            separate();
            quote(b, name);
            b.append(':');
            afterName = true;
            return this;
        }

        Json nullValue() {
            separate();
            b.append("null");
            return this;
        }

        Json value(String s) {
            if (s == null) {
                return nullValue();
            }
            separate();
            quote(b, s);
            return this;
        }

        Json value(long n) {
            separate();
            b.append(n);
            return this;
        }

        Json value(Long n) {
            return n == null ? nullValue() : value(n.longValue());
        }

        Json value(boolean v) {
            separate();
            b.append(v);
            return this;
        }

        Json value(Enum<?> e) {
            return value(e == null ? null : e.name());
        }

        Json value(Instant t) {
            return value(t == null ? null : t.toString());
        }

        Json value(Optional<?> o) {
            Object v = o.orElse(null);
            return v instanceof Enum<?> ? value((Enum<?>) v) : value(v == null ? null : v.toString());
        }

        Json strings(List<String> list) {
            beginArray();
            for (String s : list) {
                value(s);
            }
            return endArray();
        }

        Json frames(StackTraceElement[] stack) {
            beginArray();
            for (StackTraceElement f : stack) {
                value(f.toString());
            }
            return endArray();
        }

        @Override
        public String toString() {
            return b.toString();
        }
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
        b.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
            b.append('0');
        }
        b.append(hex);
    }
}
