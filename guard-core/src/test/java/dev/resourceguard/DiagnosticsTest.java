package dev.resourceguard;

import static dev.resourceguard.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.tools.GuardReportCli;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard explains itself through JMX, JFR and a command-line tool run against a live JVM. */
class DiagnosticsTest {
    @TempDir
    Path dir;

    @Test
    void jmxShowsTheGuardAndSweeps() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.resourceguard:type=ResourceGuard,name=\"jmx-test\"");
        try (ResourceGuard guard =
                        ResourceGuard.create(TestSupport.fast().name("jmx-test").build());
                Handle<String> h = guard.track("x", HandleSpec.of("client"), "search-api", null)) {
            assertEquals(1, server.getAttribute(name, "OpenHandles"));
            assertEquals("NORMAL", server.getAttribute(name, "MemoryLevel"));
            assertTrue(((String) server.getAttribute(name, "ReportText")).contains("search-api"));
            assertTrue(((String) server.getAttribute(name, "ReportJson")).contains("\"search-api\""));
            String swept = (String) server.invoke(name, "sweep", new Object[0], new String[0]);
            assertTrue(swept.startsWith("swept 0 handle(s)"), swept);
            try (ResourceGuard twin =
                    ResourceGuard.create(TestSupport.fast().name("jmx-test").build())) {
                assertEquals(1, server.getAttribute(name, "OpenHandles"), "a second guard of that name is skipped");
                assertFalse(twin.isClosed());
            }
        }
        assertFalse(server.isRegistered(name), "closing the guard unregisters it");
    }

    @Test
    void guardEventsAreRecordedByJfr() throws Exception {
        Path file = dir.resolve("guard.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.resourceguard.GuardEvent");
            recording.start();
            try (ResourceGuard guard =
                    ResourceGuard.create(TestSupport.fast().name("jfr-test").build())) {
                Handle<Object> h = guard.track(
                        new Object(),
                        HandleSpec.builder("client")
                                .timeout(Duration.ofMillis(10))
                                .build(),
                        "slow-call",
                        null);
                await().until(() -> h.state() == HandleState.CLOSED);
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.getEventType().getName().equals("dev.resourceguard.GuardEvent")
                                && "DEADLINE_EXCEEDED".equals(e.getString("type"))
                                && "slow-call".equals(e.getString("name"))
                                && "jfr-test".equals(e.getString("guard"))),
                events.toString());
    }

    @Test
    void cliPrintsTheReportOfALiveJvmByPid() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", classpath, DiagnosticsTarget.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("READY"));
            assertTrue(line != null, "the target JVM started");
            String pid = Long.toString(p.pid());

            Run text = cli(pid);
            assertEquals(0, text.status, text.err);
            assertTrue(text.out.contains("ResourceGuard 'cli-target'") && text.out.contains("orders-db"), text.out);
            Run json = cli(pid, "--json", "--sweep");
            assertEquals(0, json.status, json.err);
            assertTrue(
                    json.out.contains("swept 0 handle(s)") && json.out.contains("\"guardName\":\"cli-target\""),
                    json.out);
            Run missing = cli(pid, "--name", "nope");
            assertEquals(1, missing.status);
            assertTrue(missing.err.contains("no ResourceGuard named 'nope'"), missing.err);
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void cliRejectsBadUsageNamingTheValue() {
        Run none = cli();
        assertEquals(2, none.status);
        assertTrue(none.err.contains("expected one process id, got []"), none.err);
        Run word = cli("abc");
        assertEquals(2, word.status);
        assertTrue(word.err.contains("process id must be a whole number: 'abc'"), word.err);
        Run negative = cli("-5");
        assertTrue(negative.err.contains("process id must be positive: -5"), negative.err);
        Run gone = cli("999999999");
        assertEquals(2, gone.status);
        assertTrue(gone.err.contains("cannot attach to JVM 999999999"), gone.err);
    }

    private record Run(int status, String out, String err) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GuardReportCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
