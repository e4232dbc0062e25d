package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.GuardExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where Chromium is looked for, in which order, and what a failure says. No browser is launched. */
class ChromiumLocatorTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> props = new HashMap<>();

    private Path executable(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private ChromiumLocator.Choice locate(Optional<Path> option, Path debian) {
        return ChromiumLocator.locate(option, env::get, props::get, debian);
    }

    @Test
    void theOptionComesFirst() throws IOException {
        Path option = executable("option-chrome");
        props.put(ChromiumLocator.PROPERTY, executable("prop-chrome").toString());
        assertEquals(
                option,
                locate(Optional.of(option), executable("usr-bin-chromium"))
                        .executable()
                        .orElseThrow());
    }

    @Test
    void thePropertyWinsOverTheVariableWhichWinsOverTheSystemChromium() throws IOException {
        Path debian = executable("usr-bin-chromium");
        Path prop = executable("prop-chrome");
        Path var = executable("var-chrome");
        env.put(ChromiumLocator.VARIABLE, var.toString());
        assertEquals(var, locate(Optional.empty(), debian).executable().orElseThrow());
        props.put(ChromiumLocator.PROPERTY, prop.toString());
        assertEquals(prop, locate(Optional.empty(), debian).executable().orElseThrow());
        env.clear();
        props.clear();
        assertEquals(debian, locate(Optional.empty(), debian).executable().orElseThrow());
    }

    @Test
    void aConfiguredPathThatIsNoExecutableIsAnErrorNotASilentFallback() throws IOException {
        Path debian = executable("usr-bin-chromium");
        env.put(ChromiumLocator.VARIABLE, dir.resolve("typo").toString());
        BrowserLaunchException e = assertThrows(BrowserLaunchException.class, () -> locate(Optional.empty(), debian));
        assertEquals(
                "variable RESOURCEGUARD_CHROMIUM names no executable file: " + dir.resolve("typo")
                        + " (unset it to let the guard look for a Chromium itself)",
                e.getMessage());
    }

    @Test
    void thePathIsSearchedInOrderThenPlaywrightsOwnChromiumListingEverythingTried() throws IOException {
        Path missingDebian = dir.resolve("nothing-here");
        Path bin1 = dir.resolve("bin1");
        Path bin2 = dir.resolve("bin2");
        Files.createDirectories(bin1);
        Path chromeInBin2 = executable("bin2/google-chrome");
        executable("bin2/chromium-browser");
        env.put("PATH", bin1 + ":" + bin2);
        assertEquals(
                bin2.resolve("chromium-browser"),
                locate(Optional.empty(), missingDebian).executable().orElseThrow());
        Files.delete(bin2.resolve("chromium-browser"));
        assertEquals(
                chromeInBin2,
                locate(Optional.empty(), missingDebian).executable().orElseThrow());

        Files.delete(chromeInBin2);
        env.put("PLAYWRIGHT_BROWSERS_PATH", "/opt/pw-browsers");
        ChromiumLocator.Choice c = locate(Optional.empty(), missingDebian);
        assertFalse(c.isSystem());
        assertEquals(
                List.of(
                        "option executable: not set",
                        "system property resourceguard.chromium: not set",
                        "variable RESOURCEGUARD_CHROMIUM: not set",
                        missingDebian + ": not found",
                        "chromium, chromium-browser, google-chrome, google-chrome-stable: not on PATH (" + bin1 + ":"
                                + bin2 + ")",
                        "Playwright's own Chromium in /opt/pw-browsers"),
                c.tried());
    }

    @Test
    void launchingWithAMissingConfiguredChromiumFailsClearlyAndStartsNothing(ResourceGuard guard) {
        String before = System.getProperty(ChromiumLocator.PROPERTY);
        System.setProperty(ChromiumLocator.PROPERTY, "/no/such/chromium");
        try {
            BrowserLaunchException e = assertThrows(BrowserLaunchException.class, () -> GuardedBrowser.launch(guard));
            assertTrue(
                    e.getMessage()
                            .contains("system property resourceguard.chromium names no executable file:"
                                    + " /no/such/chromium"),
                    e.getMessage());
            assertEquals(List.of(), guard.openHandles());
            assertEquals(List.of(), Processes.leftoverDescendants());
        } finally {
            if (before == null) {
                System.clearProperty(ChromiumLocator.PROPERTY);
            } else {
                System.setProperty(ChromiumLocator.PROPERTY, before);
            }
        }
    }

    @Test
    void anExecutableOptionThatVanishedFailsAtLaunch() throws IOException {
        Path gone = executable("gone-chrome");
        BrowserOptions options = BrowserOptions.builder().executable(gone).build();
        Files.delete(gone);
        BrowserLaunchException e =
                assertThrows(BrowserLaunchException.class, () -> ChromiumLocator.locate(options.executable()));
        assertEquals("the executable option names no executable file: " + gone, e.getMessage());
    }
}
