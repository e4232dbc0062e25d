package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM with a 128 MiB heap running tasks that each grow a 60 MiB buffer: without the guard it dies of
 * {@link OutOfMemoryError}; with the guard, emergency sweeps cancel the largest tasks and it lives to
 * the end, and its report lists the sweeps.
 */
class MemoryPressureChildJvmTest {
    private static final int RUN_SECONDS = 6;

    @TempDir
    Path dir;

    private Result run(String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve(mode + ".log");
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-XX:+UseG1GC",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        classpath,
                        MemoryHog.class.getName(),
                        mode,
                        Integer.toString(RUN_SECONDS))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            boolean ended = p.waitFor(RUN_SECONDS + 60, TimeUnit.SECONDS);
            assertTrue(ended, "the child JVM must end by itself: " + Files.readString(out));
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private record Result(int exit, String output) {}

    @Test
    void withoutTheGuardTheJvmDiesOfOutOfMemory() throws Exception {
        Result raw = run("raw");
        assertNotEquals(0, raw.exit(), raw.output());
        assertTrue(raw.output().contains("OutOfMemoryError"), raw.output());
    }

    @Test
    void withTheGuardEmergencySweepsKeepItAlive() throws Exception {
        Result guarded = run("guarded");
        assertEquals(0, guarded.exit(), guarded.output());
        assertTrue(guarded.output().contains("SURVIVED"), guarded.output());
        assertTrue(!guarded.output().contains("OutOfMemoryError"), guarded.output());
        List<String> lines = guarded.output().lines().toList();
        String summary =
                lines.stream().filter(l -> l.startsWith("SURVIVED")).findFirst().orElseThrow();
        int sweeps = Integer.parseInt(summary.replaceAll(".*sweeps=(\\d+).*", "$1"));
        assertTrue(sweeps >= 1, summary);
        int cancelled = Integer.parseInt(summary.replaceAll(".*cancelled=(\\d+).*", "$1"));
        assertTrue(cancelled >= 1, "the largest tasks were cancelled: " + summary);
        assertTrue(
                guarded.output().contains("SWEEP") && guarded.output().contains("sweep (CRITICAL"),
                "the report lists the sweeps:\n" + guarded.output());
    }
}
