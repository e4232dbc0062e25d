package dev.resourceguard.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds a Chromium to launch, in this order: the {@link BrowserOptions#executable() executable option};
 * the system property {@code resourceguard.chromium}, then the variable {@code RESOURCEGUARD_CHROMIUM};
 * {@code /usr/bin/chromium}; {@code chromium}, {@code chromium-browser}, {@code google-chrome}, {@code
 * google-chrome-stable} on the {@code PATH}; and last Playwright's own downloaded Chromium (no executable
 * path is passed then, and Playwright may download it). A setting that names a missing file is an error,
 * not a reason to look further: a typo must not silently launch another browser.
 */
final class ChromiumLocator {

    static final String PROPERTY = "resourceguard.chromium";
    static final String VARIABLE = "RESOURCEGUARD_CHROMIUM";
    static final String DEBIAN = "/usr/bin/chromium";
    static final List<String> ON_PATH =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

    /**
     * What to launch: a system executable, or Playwright's own Chromium when {@code executable} is empty.
     * {@code tried} lists every place looked at, for error messages.
     */
    record Choice(Optional<Path> executable, String source, List<String> tried) {
        boolean isSystem() {
            return executable.isPresent();
        }

        String describeTried() {
            return String.join("; ", tried);
        }
    }

    private ChromiumLocator() {}

    static Choice locate(Optional<Path> option) {
        return locate(option, System::getenv, System::getProperty, Path.of(DEBIAN));
    }

    static Choice locate(
            Optional<Path> option, Function<String, String> env, Function<String, String> properties, Path debian) {
        List<String> tried = new ArrayList<>();
        if (option.isPresent()) {
            Path p = option.get();
            if (isExecutable(p)) {
                return new Choice(option, "option executable", List.of("option executable " + p));
            }
            throw new BrowserLaunchException("the executable option names no executable file: " + p);
        }
        tried.add("option executable: not set");

        String prop = properties.apply(PROPERTY);
        String var = env.apply(VARIABLE);
        if (prop != null && !prop.isBlank()) {
            return configured("system property " + PROPERTY, prop, tried);
        }
        tried.add("system property " + PROPERTY + ": not set");
        if (var != null && !var.isBlank()) {
            return configured("variable " + VARIABLE, var, tried);
        }
        tried.add("variable " + VARIABLE + ": not set");

        if (isExecutable(debian)) {
            tried.add(debian + ": found");
            return new Choice(Optional.of(debian), debian.toString(), tried);
        }
        tried.add(debian + ": not found");

        String path = env.apply("PATH");
        for (String name : ON_PATH) {
            Optional<Path> found = onPath(name, path);
            if (found.isPresent()) {
                tried.add(name + " on PATH: " + found.get());
                return new Choice(found, name + " on PATH", tried);
            }
        }
        tried.add(String.join(", ", ON_PATH) + ": not on PATH (" + (path == null ? "PATH unset" : path) + ")");

        String browsers = env.apply("PLAYWRIGHT_BROWSERS_PATH");
        String where = browsers != null && !browsers.isBlank()
                ? browsers
                : Path.of(System.getProperty("user.home", "~"), ".cache", "ms-playwright")
                        .toString();
        tried.add("Playwright's own Chromium in " + where);
        return new Choice(Optional.empty(), "Playwright's own Chromium", tried);
    }

    private static Choice configured(String what, String value, List<String> tried) {
        Path p;
        try {
            p = Path.of(value.trim());
        } catch (InvalidPathException e) {
            throw new BrowserLaunchException(what + " is not a valid path: '" + value + "'");
        }
        if (!isExecutable(p)) {
            throw new BrowserLaunchException(what + " names no executable file: " + value
                    + " (unset it to let the guard look for a Chromium itself)");
        }
        tried.add(what + ": " + p);
        return new Choice(Optional.of(p), what, tried);
    }

    static Optional<Path> onPath(String name, String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir, name);
                if (isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry: skip it
            }
        }
        return Optional.empty();
    }

    static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
