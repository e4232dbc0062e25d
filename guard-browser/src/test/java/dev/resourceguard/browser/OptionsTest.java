package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad options are rejected at once, with the value in the message. */
class OptionsTest {

    private static void rejects(String expectedMessage, Executable setter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, setter);
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void negativeTimeoutsAreRejectedWithTheValue() {
        BrowserOptions.Builder b = BrowserOptions.builder();
        rejects("navigationTimeout must not be negative: PT-1S", () -> b.navigationTimeout(Duration.ofSeconds(-1)));
        rejects("actionTimeout must not be negative: PT-0.5S", () -> b.actionTimeout(Duration.ofMillis(-500)));
        rejects("launchTimeout must not be negative: PT-1M", () -> b.launchTimeout(Duration.ofMinutes(-1)));
        rejects("killGrace must be positive: PT0S", () -> b.killGrace(Duration.ZERO));
        rejects("killGrace must be positive: PT-1S", () -> b.killGrace(Duration.ofSeconds(-1)));
        rejects("recycleAfterPages must not be negative: -1", () -> b.recycleAfterPages(-1));
        rejects("recycleAboveResidentMb must not be negative: -5", () -> b.recycleAboveResidentMb(-5));
        rejects("name must not be blank: ' '", () -> b.name(" "));
    }

    @Test
    void zeroTimeoutsMeanNoneAsInPlaywright() {
        BrowserOptions o = BrowserOptions.builder()
                .navigationTimeout(Duration.ZERO)
                .actionTimeout(Duration.ZERO)
                .launchTimeout(Duration.ZERO)
                .build();
        assertEquals(Duration.ZERO, o.navigationTimeout());
        assertEquals(0.0, BrowserSession.millis(o.actionTimeout()));
        assertEquals((double) Long.MAX_VALUE, BrowserSession.millis(Duration.ofSeconds(Long.MAX_VALUE)), "saturated");
    }

    @Test
    void aMissingOrNonExecutableExecutableIsRejected(@TempDir Path dir) throws IOException {
        BrowserOptions.Builder b = BrowserOptions.builder();
        Path missing = dir.resolve("no-such-chromium");
        rejects("executable does not exist: " + missing, () -> b.executable(missing));
        rejects("executable is not an executable file: " + dir, () -> b.executable(dir));
        Path plain = Files.createFile(
                dir.resolve("chromium"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        rejects("executable is not an executable file: " + plain, () -> b.executable(plain));
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(plain, b.executable(plain).build().executable().orElseThrow());
    }

    @Test
    void argsThatBreakTheGuardOrChromiumAreRejected() {
        BrowserOptions.Builder b = BrowserOptions.builder();
        rejects(
                "args must not set --user-data-dir (each browser gets a fresh temporary profile): --user-data-dir=/x",
                () -> b.args(List.of("--user-data-dir=/x")));
        rejects(
                "args must not contain --disable-crashpad-for-testing (navigations then fail with ERR_ABORTED):"
                        + " --disable-crashpad-for-testing",
                () -> b.args(List.of("--disable-crashpad-for-testing")));
        rejects("args must not contain a blank switch: [--mute-audio,  ]", () -> b.args(List.of("--mute-audio", " ")));
        assertThrows(NullPointerException.class, () -> b.args(Arrays.asList("--a", null)));
        assertEquals(
                List.of("--mute-audio"), b.args(List.of("--mute-audio")).build().args());
    }

    @Test
    void toStringShowsEverySetting() {
        String s = BrowserOptions.defaults().toString();
        for (String setting : List.of(
                "executable=(look up)",
                "headless=true",
                "args=[]",
                "navigationTimeout=PT30S",
                "actionTimeout=PT30S",
                "launchTimeout=PT30S",
                "killGrace=PT2S",
                "recycleAfterPages=0",
                "recycleAboveResidentMb=0",
                "reapOrphans=true",
                "name=chromium")) {
            assertTrue(s.contains(setting), setting + " in " + s);
        }
        BrowserOptions changed =
                BrowserOptions.defaults().toBuilder().recycleAfterPages(7).build();
        assertEquals(7, changed.recycleAfterPages());
        assertEquals(0, BrowserOptions.defaults().recycleAfterPages());
    }
}
