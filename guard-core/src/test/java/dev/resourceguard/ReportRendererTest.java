package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportRendererTest {

    private static final Instant TIME = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final String NASTY =
            "q\"uote \\back\nnew\rret\ttab \u0000nul \u001fus \u2028ls \u2029ps é ✓ 😀 </script> \ud800lone";

    // ---- text

    @Test
    void textShowsEveryFact() {
        String text = full().toText();

        assertTrue(text.startsWith("ResourceGuard 'crawler' at 2025-03-04T05:06:07.089Z\n"), text);
        assertTrue(text.contains("totals: 4 open, 30 opened, 26 closed\n"), text);
        assertTrue(
                text.contains("3 deadlines exceeded, 1 force-closed, 2 stuck, 5 leaks suspected, 6 leaked, "
                        + "7 swept, 8 quota timeouts, 9 action failures, 10 actions hung\n"),
                text);

        assertTrue(text.contains("kinds (2):\n"), text);
        assertTrue(line(text, "  browser ").matches("  browser\\s+2\\s+1\\s+completed 10, timed_out 3"), text);
        assertTrue(line(text, "  connection ").matches("  connection\\s+2\\s+0\\s+-"), text);

        assertTrue(text.contains("quotas (1):\n  browser 2/2 in use, 3 waiting\n"), text);
        assertTrue(
                text.contains(
                        "memory: level HIGH, heap 512.0 MiB of 2048.0 MiB (400.0 MiB after GC), process 1536.0 MiB"
                                + " + children 300.0 MiB, "
                                + "limit 4096.0 MiB (cgroup v2)\n"),
                text);

        assertTrue(text.contains("oldest handles (2):\n"), text);
        String task = line(text, "  task 'crawl-17' #3: ");
        assertTrue(task.contains("CANCELLING"), task);
        assertTrue(task.contains("age 1 min 33 s"), task);
        assertTrue(task.contains("deadline passed 3.2 s ago"), task);
        assertTrue(task.contains("runner 'worker-1'"), task);
        assertTrue(task.contains("protected") && task.contains("STUCK"), task);
        assertTrue(text.contains("    ← task 'batch' #1\n"), text);
        String conn = line(text, "  connection 'orders-db' #5: ");
        assertTrue(conn.contains("OPEN, age 850 ms, deadline in 12.0 s, idle 0 ms, cost 1.5 MiB"), conn);
        assertFalse(conn.contains("runner"), conn);
        assertTrue(
                text.contains("    ← task 'crawl-17' #3 ← task 'batch' #1\n    opened at\n"
                        + "      at com.example.Site.frame0(Site.java:100)\n"),
                text);
        assertTrue(text.contains("      at com.example.Site.frame11(Site.java:111)\n      ... 8 more\n"), text);
        assertFalse(text.contains("Site.frame12"), "at most 12 allocation frames");

        assertTrue(
                text.contains("stuck threads (1):\n  'worker-1' stuck for 12.5 s in task 'crawl-17' #3\n"
                        + "      at com.example.Stuck.frame0(Stuck.java:1)\n"),
                text);
        assertTrue(text.contains("      at com.example.Stuck.frame19(Stuck.java:20)\n      ... 5 more\n"), text);

        assertTrue(text.contains("recent events (3):\n"), text);
        assertTrue(
                text.contains("  2025-03-04T05:06:01Z DEADLINE_EXCEEDED (TIMED_OUT): task 'crawl-17' #3 "
                        + "passed its deadline\n"),
                text);
        assertTrue(text.contains("STUCK: thread stuck [thread 'worker-1']\n"), text);
        assertTrue(text.contains("SHUTDOWN: guard closed\n"), "no cause repeating the type: " + text);
    }

    @Test
    void textKeepsHostileStringsOnOneLine() {
        GuardEvent forged = new GuardEvent(
                GuardEvent.Type.CANCELLED, TIME, null, null, "ok\n2025-01-01 ERROR forged line", null, null, null);
        GuardReport r = new GuardReport(
                "a\nb", TIME, totals(0), List.of(), List.of(), List.of(), List.of(), memory(), List.of(forged));

        String text = r.toText();

        assertTrue(text.startsWith("ResourceGuard 'a\\nb' at"), text);
        assertTrue(text.contains("CANCELLED: ok\\n2025-01-01 ERROR forged line\n"), text);
        assertFalse(text.contains("\n2025-01-01 ERROR"), text);
        assertEquals("x\\u0000\\u2028\\r\\t y", ReportRenderer.clean("x\u0000\u2028\r\t y"));
    }

    @Test
    void textOfEmptyReportSaysNone() {
        GuardReport r = new GuardReport(
                "empty",
                TIME,
                totals(0),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                new GuardReport.MemoryInfo(1024 * 1024, -1, -1, -1, "none", "NORMAL", -1, -1),
                List.of());

        String text = r.toText();

        assertTrue(text.contains("totals: 0 open, 0 opened, 0 closed\n"), text);
        assertTrue(text.contains("kinds: none\n"), text);
        assertTrue(text.contains("quotas: none\n"), text);
        assertTrue(text.contains("memory: level NORMAL, heap 1.0 MiB of unknown, process unknown, limit none\n"), text);
        assertTrue(text.contains("oldest handles: none\n"), text);
        assertTrue(text.contains("stuck threads: none\n"), text);
        assertTrue(text.endsWith("recent events: none\n"), text);
        assertEquals(9, text.split("\n").length, text);
    }

    @Test
    void durationsReadNaturally() {
        assertEquals("0 ms", ReportRenderer.duration(0));
        assertEquals("999 ms", ReportRenderer.duration(999));
        assertEquals("1.0 s", ReportRenderer.duration(1_000));
        assertEquals("59.9 s", ReportRenderer.duration(59_940));
        assertEquals("1 min 00 s", ReportRenderer.duration(60_000));
        assertEquals("59 min 59 s", ReportRenderer.duration(3_599_999));
        assertEquals("2 h 03 min", ReportRenderer.duration(123 * 60_000));
        assertEquals("3 d 04 h", ReportRenderer.duration(76 * 3_600_000));
    }

    // ---- JSON

    @Test
    void jsonRoundTripsEveryField() {
        GuardReport r = full();

        Map<String, Object> json = object(MiniJson.parse(r.toJson()));

        assertEquals(
                List.of(
                        "guardName",
                        "time",
                        "totals",
                        "kinds",
                        "oldest",
                        "stuck",
                        "quotas",
                        "memory",
                        "recentEvents",
                        "sections"),
                new ArrayList<>(json.keySet()));
        assertEquals(List.of(), json.get("sections"));
        assertEquals("crawler", json.get("guardName"));
        assertEquals(TIME, Instant.parse((String) json.get("time")));

        Map<String, Object> totals = object(json.get("totals"));
        assertEquals(12, totals.size());
        assertEquals(30L, totals.get("opened"));
        assertEquals(4L, totals.get("open"));
        assertEquals(26L, totals.get("closed"));
        assertEquals(3L, totals.get("deadlinesExceeded"));
        assertEquals(1L, totals.get("forceClosed"));
        assertEquals(2L, totals.get("stuck"));
        assertEquals(5L, totals.get("leaksSuspected"));
        assertEquals(6L, totals.get("leaked"));
        assertEquals(7L, totals.get("swept"));
        assertEquals(8L, totals.get("quotaTimeouts"));
        assertEquals(9L, totals.get("actionFailures"));
        assertEquals(10L, totals.get("actionsHung"));

        List<Object> kinds = array(json.get("kinds"));
        assertEquals(2, kinds.size());
        Map<String, Object> browser = object(kinds.get(0));
        assertEquals("browser", browser.get("kind"));
        assertEquals(2L, browser.get("open"));
        assertEquals(1L, browser.get("cancelling"));
        Map<String, Object> byCause = object(browser.get("closedByCause"));
        assertEquals(CloseCause.values().length, byCause.size());
        for (CloseCause c : CloseCause.values()) {
            assertEquals(r.kinds().get(0).closedByCause().get(c), byCause.get(c.name()), c.name());
        }

        List<Object> oldest = array(json.get("oldest"));
        assertEquals(2, oldest.size());
        Map<String, Object> task = object(oldest.get(0));
        assertEquals(3L, task.get("id"));
        assertEquals("task", task.get("kind"));
        assertEquals("crawl-17", task.get("name"));
        assertEquals("CANCELLING", task.get("state"));
        assertEquals(93_400L, task.get("ageMillis"));
        assertEquals(-3_200L, task.get("remainingMillis"));
        assertEquals(1_000L, task.get("idleMillis"));
        assertEquals(0L, task.get("costBytes"));
        assertEquals(true, task.get("isProtected"));
        assertEquals(true, task.get("stuck"));
        assertEquals("worker-1", task.get("runner"));
        assertEquals(List.of("task 'batch' #1"), task.get("ownerChain"));
        assertEquals(List.of(), task.get("allocationSite"));
        Map<String, Object> conn = object(oldest.get(1));
        assertNull(conn.get("runner"));
        assertTrue(conn.containsKey("runner"), "absent values are written as null, not left out");
        assertEquals(12_000L, conn.get("remainingMillis"));
        assertEquals(false, conn.get("isProtected"));
        assertEquals(r.oldest().get(1).allocationSite(), conn.get("allocationSite"));

        Map<String, Object> stuck = object(array(json.get("stuck")).get(0));
        assertEquals(3L, stuck.get("handleId"));
        assertEquals("task 'crawl-17' #3", stuck.get("handle"));
        assertEquals("worker-1", stuck.get("thread"));
        assertEquals(12_500L, stuck.get("stuckMillis"));
        assertEquals(r.stuck().get(0).stack(), stuck.get("stack"));

        Map<String, Object> quota = object(array(json.get("quotas")).get(0));
        assertEquals(Map.of("kind", "browser", "limit", 2L, "inUse", 2L, "waiting", 3L), quota);

        Map<String, Object> memory = object(json.get("memory"));
        assertEquals(512L << 20, memory.get("heapUsedBytes"));
        assertEquals(2048L << 20, memory.get("heapMaxBytes"));
        assertEquals(1536L << 20, memory.get("processResidentBytes"));
        assertEquals(4096L << 20, memory.get("limitBytes"));
        assertEquals("cgroup v2", memory.get("limitSource"));
        assertEquals("HIGH", memory.get("level"));

        List<Object> events = array(json.get("recentEvents"));
        assertEquals(3, events.size());
        Map<String, Object> deadline = object(events.get(0));
        assertEquals(
                List.of(
                        "type",
                        "time",
                        "handleId",
                        "kind",
                        "name",
                        "cause",
                        "message",
                        "threadName",
                        "stack",
                        "allocationSite"),
                new ArrayList<>(deadline.keySet()));
        assertEquals("DEADLINE_EXCEEDED", deadline.get("type"));
        assertEquals("2025-03-04T05:06:01Z", deadline.get("time"));
        assertEquals(3L, deadline.get("handleId"));
        assertEquals("task", deadline.get("kind"));
        assertEquals("crawl-17", deadline.get("name"));
        assertEquals("TIMED_OUT", deadline.get("cause"));
        assertNull(deadline.get("threadName"));
        assertEquals(List.of(), deadline.get("stack"));
        List<Object> site = array(deadline.get("allocationSite"));
        assertEquals(r.recentEvents().get(0).allocationSite().orElseThrow().getStackTrace().length, site.size());
        assertEquals("com.example.Alloc.open(Alloc.java:7)", site.get(0));
        Map<String, Object> stuckEvent = object(events.get(1));
        assertEquals("STUCK", stuckEvent.get("type"));
        assertEquals("worker-1", stuckEvent.get("threadName"));
        assertEquals(
                List.of("com.example.Stuck.frame0(Stuck.java:1)", "com.example.Stuck.frame1(Stuck.java:2)"),
                stuckEvent.get("stack"));
        assertNull(stuckEvent.get("allocationSite"));
        Map<String, Object> shutdown = object(events.get(2));
        assertEquals(-1L, shutdown.get("handleId"));
        assertNull(shutdown.get("kind"));
        assertNull(shutdown.get("name"));
        assertEquals("SHUTDOWN", shutdown.get("cause"));
        assertEquals("guard closed", shutdown.get("message"));
    }

    @Test
    void jsonEscapesNastyStringsAndRoundTripsThem() {
        GuardEvent event = new GuardEvent(
                GuardEvent.Type.LEAKED,
                TIME,
                new StubHandle(9, NASTY, NASTY),
                CloseCause.LEAKED,
                NASTY,
                null,
                null,
                NASTY);
        GuardReport r = new GuardReport(
                NASTY,
                TIME,
                totals(0),
                List.of(new GuardReport.KindSummary(NASTY, 1, 0, Map.of())),
                List.of(handle(9, NASTY, NASTY, List.of(NASTY), List.of(NASTY))),
                List.of(new GuardReport.StuckThread(9, NASTY, NASTY, 1, List.of(NASTY))),
                List.of(new GuardReport.QuotaInfo(NASTY, 1, 1, 0)),
                new GuardReport.MemoryInfo(1, 2, 3, 4, NASTY, NASTY, 5, 6),
                List.of(event));

        String raw = r.toJson();

        assertTrue(
                raw.contains("q\\\"uote \\\\back\\u000anew\\u000dret\\u0009tab \\u0000nul \\u001fus "
                        + "\\u2028ls \\u2029ps é ✓ 😀 </script> \\ud800lone"),
                raw);
        raw.codePoints().forEach(c -> {
            assertFalse(c < 0x20 || c == '\u2028' || c == '\u2029', "raw char " + c);
            assertFalse(Character.isSurrogate((char) c) && c <= 0xffff, "lone surrogate " + c);
        });
        Map<String, Object> json = object(MiniJson.parse(raw));
        assertEquals(NASTY, json.get("guardName"));
        Map<String, Object> kind = object(array(json.get("kinds")).get(0));
        assertEquals(NASTY, kind.get("kind"));
        assertEquals(Map.of(), kind.get("closedByCause"));
        Map<String, Object> h = object(array(json.get("oldest")).get(0));
        assertEquals(NASTY, h.get("kind"));
        assertEquals(NASTY, h.get("name"));
        assertEquals(List.of(NASTY), h.get("ownerChain"));
        assertEquals(List.of(NASTY), h.get("allocationSite"));
        Map<String, Object> stuck = object(array(json.get("stuck")).get(0));
        assertEquals(NASTY, stuck.get("handle"));
        assertEquals(NASTY, stuck.get("thread"));
        assertEquals(List.of(NASTY), stuck.get("stack"));
        assertEquals(NASTY, object(array(json.get("quotas")).get(0)).get("kind"));
        assertEquals(NASTY, object(json.get("memory")).get("limitSource"));
        assertEquals(NASTY, object(json.get("memory")).get("level"));
        Map<String, Object> e = object(array(json.get("recentEvents")).get(0));
        assertEquals(NASTY, e.get("kind"));
        assertEquals(NASTY, e.get("name"));
        assertEquals(NASTY, e.get("message"));
        assertEquals(NASTY, e.get("threadName"));
        assertEquals("LEAKED", e.get("cause"));
    }

    @Test
    void jsonOfEmptyReport() {
        GuardReport r =
                new GuardReport("empty", TIME, totals(0), List.of(), List.of(), List.of(), List.of(), null, List.of());

        Map<String, Object> json = object(MiniJson.parse(r.toJson()));

        assertEquals("empty", json.get("guardName"));
        assertEquals(0L, object(json.get("totals")).get("opened"));
        for (String section : List.of("kinds", "oldest", "stuck", "quotas", "recentEvents")) {
            assertEquals(List.of(), json.get(section), section);
        }
        assertTrue(json.containsKey("memory"));
        assertNull(json.get("memory"));
        assertTrue(r.toText().contains("memory: unknown\n"));
    }

    @Test
    void miniJsonRejectsInvalidText() {
        for (String bad : List.of(
                "",
                "{",
                "{\"a\":1,}",
                "[1,]",
                "{\"a\" 1}",
                "\"a\nb\"",
                "01",
                "{\"a\":1,\"a\":2}",
                "[\"\\x\"]",
                "{} x",
                "tru",
                "-",
                "1.",
                "[1 2]")) {
            assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(bad), bad);
        }
        assertEquals(
                List.of(-1L, 2.5, true, false, "\u00e9😀"),
                MiniJson.parse(" [-1, 2.5e0 ,true,false,\"\\u00e9\\ud83d\\ude00\"] "));
    }

    // ---- fixtures

    private static GuardReport full() {
        Map<CloseCause, Long> browserClosed = new EnumMap<>(CloseCause.class);
        Map<CloseCause, Long> connClosed = new EnumMap<>(CloseCause.class);
        for (CloseCause c : CloseCause.values()) {
            browserClosed.put(c, 0L);
            connClosed.put(c, 0L);
        }
        browserClosed.put(CloseCause.COMPLETED, 10L);
        browserClosed.put(CloseCause.TIMED_OUT, 3L);

        List<String> site = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            site.add("com.example.Site.frame" + i + "(Site.java:" + (100 + i) + ")");
        }
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            stack.add("com.example.Stuck.frame" + i + "(Stuck.java:" + (i + 1) + ")");
        }
        GuardReport.HandleInfo task = new GuardReport.HandleInfo(
                3,
                "task",
                "crawl-17",
                HandleState.CANCELLING,
                93_400,
                -3_200L,
                1_000,
                0,
                true,
                true,
                "worker-1",
                List.of("task 'batch' #1"),
                List.of());
        GuardReport.HandleInfo conn = new GuardReport.HandleInfo(
                5,
                "connection",
                "orders-db",
                HandleState.OPEN,
                850,
                12_000L,
                0,
                1536 * 1024,
                false,
                false,
                null,
                List.of("task 'crawl-17' #3", "task 'batch' #1"),
                site);

        Throwable allocated = new Throwable("opened here");
        allocated.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("com.example.Alloc", "open", "Alloc.java", 7),
            new StackTraceElement("com.example.Main", "main", "Main.java", 3)
        });
        StubHandle taskView = new StubHandle(3, "task", "crawl-17");
        List<GuardEvent> events = List.of(
                new GuardEvent(
                        GuardEvent.Type.DEADLINE_EXCEEDED,
                        Instant.parse("2025-03-04T05:06:01Z"),
                        taskView,
                        CloseCause.TIMED_OUT,
                        "task 'crawl-17' #3 passed its deadline",
                        allocated,
                        null,
                        null),
                new GuardEvent(
                        GuardEvent.Type.STUCK,
                        Instant.parse("2025-03-04T05:06:05Z"),
                        taskView,
                        null,
                        "thread stuck",
                        null,
                        new StackTraceElement[] {
                            new StackTraceElement("com.example.Stuck", "frame0", "Stuck.java", 1),
                            new StackTraceElement("com.example.Stuck", "frame1", "Stuck.java", 2)
                        },
                        "worker-1"),
                new GuardEvent(
                        GuardEvent.Type.SHUTDOWN,
                        Instant.parse("2025-03-04T05:06:06Z"),
                        null,
                        CloseCause.SHUTDOWN,
                        "guard closed",
                        null,
                        null,
                        null));
        return new GuardReport(
                "crawler",
                TIME,
                new GuardReport.Totals(30, 4, 26, 3, 1, 2, 5, 6, 7, 8, 9, 10),
                List.of(
                        new GuardReport.KindSummary("browser", 2, 1, browserClosed),
                        new GuardReport.KindSummary("connection", 2, 0, connClosed)),
                List.of(task, conn),
                List.of(new GuardReport.StuckThread(3, "task 'crawl-17' #3", "worker-1", 12_500, stack)),
                List.of(new GuardReport.QuotaInfo("browser", 2, 2, 3)),
                new GuardReport.MemoryInfo(
                        512L << 20, 2048L << 20, 1536L << 20, 4096L << 20, "cgroup v2", "HIGH", 400L << 20, 300L << 20),
                events);
    }

    private static GuardReport.Totals totals(long n) {
        return new GuardReport.Totals(n, n, n, n, n, n, n, n, n, n, n, n);
    }

    private static GuardReport.MemoryInfo memory() {
        return new GuardReport.MemoryInfo(0, 0, -1, -1, "none", "NORMAL", -1, -1);
    }

    private static GuardReport.HandleInfo handle(
            long id, String kind, String name, List<String> owners, List<String> site) {
        return new GuardReport.HandleInfo(
                id, kind, name, HandleState.OPEN, 1, null, 1, 0, false, false, name, owners, site);
    }

    private static String line(String text, String prefix) {
        for (String l : text.split("\n")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in\n" + text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        assertTrue(o instanceof Map, () -> "not an object: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object o) {
        assertTrue(o instanceof List, () -> "not an array: " + o);
        return (List<Object>) o;
    }

    /** Only what {@link GuardEvent}'s constructor reads. */
    private record StubHandle(long id, String kind, String name) implements HandleView {
        @Override
        public HandleState state() {
            return HandleState.OPEN;
        }

        @Override
        public Optional<CloseCause> closeCause() {
            return Optional.empty();
        }

        @Override
        public Optional<HandleView> owner() {
            return Optional.empty();
        }

        @Override
        public List<HandleView> children() {
            return List.of();
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
        public Optional<Duration> remaining() {
            return Optional.empty();
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
        public Optional<Throwable> allocationSite() {
            return Optional.empty();
        }

        @Override
        public Optional<Thread> runner() {
            return Optional.empty();
        }

        @Override
        public boolean isStuck() {
            return false;
        }
    }

    /**
     * A strict RFC 8259 parser, small enough to trust: objects become insertion-ordered maps (a duplicate
     * name is an error), arrays lists, integers {@code Long}, other numbers {@code Double}. Raw control
     * characters in strings, bad escapes, leading zeros, trailing commas and trailing text are errors.
     */
    static final class MiniJson {
        private final String s;
        private int i;

        private MiniJson(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            MiniJson p = new MiniJson(text);
            Object v = p.value();
            p.space();
            if (p.i != text.length()) {
                throw p.error("trailing text");
            }
            return v;
        }

        private Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            space();
            if (peek() == '}') {
                i++;
                return map;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a name");
                }
                String name = string();
                space();
                expect(':');
                if (map.containsKey(name)) {
                    throw error("duplicate name " + name);
                }
                map.put(name, value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++;
            space();
            if (peek() == ']') {
                i++;
                return list;
            }
            while (true) {
                list.add(value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c < 0x20) {
                    throw error("raw control character " + (int) c);
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = i < s.length() ? s.charAt(i++) : 0;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
            return b.toString();
        }

        private Object number() {
            int start = i;
            if (peek() == '-') {
                i++;
            }
            if (peek() == '0') {
                i++;
            } else if (peek() >= '1' && peek() <= '9') {
                while (Character.isDigit(peek())) {
                    i++;
                }
            } else {
                throw error("unexpected character");
            }
            boolean integer = true;
            if (peek() == '.') {
                integer = false;
                i++;
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integer = false;
                i++;
                if (peek() == '+' || peek() == '-') {
                    i++;
                }
                digits();
            }
            if (Character.isDigit(peek())) {
                throw error("leading zero");
            }
            String n = s.substring(start, i);
            return integer ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        }

        private void digits() {
            if (!Character.isDigit(peek())) {
                throw error("expected a digit");
            }
            while (Character.isDigit(peek())) {
                i++;
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error("expected " + word);
            }
            i += word.length();
            return v;
        }

        private void space() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : 0;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + i + " in " + s);
        }
    }
}
