package dev.resourceguard.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link GuardedBrowser} and {@link BrowserPool} launch and use Chromium. Immutable; made by {@link
 * #builder()}, whose setters reject a bad value at once with the value in the message.
 *
 * <pre>{@code
 * BrowserOptions options = BrowserOptions.builder()
 *         .navigationTimeout(Duration.ofSeconds(20))
 *         .recycleAfterPages(200)
 *         .recycleAboveResidentMb(1500)
 *         .build();
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code executable}</td><td>found</td><td>the Chromium to launch; else looked up (see
 *       {@link GuardedBrowser})</td></tr>
 *   <tr><td>{@code headless}</td><td>true</td><td>run without a display</td></tr>
 *   <tr><td>{@code args}</td><td>none</td><td>extra Chromium switches, after the server defaults {@code
 *       --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
 *       --disable-sync --no-first-run}</td></tr>
 *   <tr><td>{@code navigationTimeout}</td><td>30 s</td><td>Playwright's default for navigations of every
 *       context and page; zero: none</td></tr>
 *   <tr><td>{@code actionTimeout}</td><td>30 s</td><td>Playwright's default for other actions (clicks,
 *       waits); zero: none</td></tr>
 *   <tr><td>{@code launchTimeout}</td><td>30 s</td><td>how long Chromium may take to start; zero:
 *       none</td></tr>
 *   <tr><td>{@code killGrace}</td><td>2 s</td><td>how long to wait for killed processes to vanish before
 *       killing again and reporting survivors</td></tr>
 *   <tr><td>{@code recycleAfterPages}</td><td>0 (never)</td><td>relaunch the browser after this many
 *       pages</td></tr>
 *   <tr><td>{@code recycleAboveResidentMb}</td><td>0 (never)</td><td>relaunch the browser when its processes
 *       hold more than this many MiB</td></tr>
 *   <tr><td>{@code reapOrphans}</td><td>true</td><td>at a guard's first launch, kill browsers left by a JVM
 *       that died (see {@link GuardedBrowser#reapOrphans()})</td></tr>
 *   <tr><td>{@code name}</td><td>chromium</td><td>the browser handle's name</td></tr>
 * </table>
 */
public final class BrowserOptions {

    /** Switches every launch gets: what a headless server needs. */
    static final List<String> SERVER_ARGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run");

    private static final BrowserOptions DEFAULTS = new Builder().build();

    private final Path executable;
    private final boolean headless;
    private final List<String> args;
    private final Duration navigationTimeout;
    private final Duration actionTimeout;
    private final Duration launchTimeout;
    private final Duration killGrace;
    private final int recycleAfterPages;
    private final long recycleAboveResidentMb;
    private final boolean reapOrphans;
    private final String name;

    private BrowserOptions(Builder b) {
        this.executable = b.executable;
        this.headless = b.headless;
        this.args = List.copyOf(b.args);
        this.navigationTimeout = b.navigationTimeout;
        this.actionTimeout = b.actionTimeout;
        this.launchTimeout = b.launchTimeout;
        this.killGrace = b.killGrace;
        this.recycleAfterPages = b.recycleAfterPages;
        this.recycleAboveResidentMb = b.recycleAboveResidentMb;
        this.reapOrphans = b.reapOrphans;
        this.name = b.name;
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static BrowserOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The Chromium executable to launch; empty: look one up. */
    public Optional<Path> executable() {
        return Optional.ofNullable(executable);
    }

    public boolean headless() {
        return headless;
    }

    /** Extra Chromium switches. */
    public List<String> args() {
        return args;
    }

    public Duration navigationTimeout() {
        return navigationTimeout;
    }

    public Duration actionTimeout() {
        return actionTimeout;
    }

    public Duration launchTimeout() {
        return launchTimeout;
    }

    public Duration killGrace() {
        return killGrace;
    }

    /** Pages after which the browser is relaunched; 0: never. */
    public int recycleAfterPages() {
        return recycleAfterPages;
    }

    /** Resident size in MiB above which the browser is relaunched; 0: never. */
    public long recycleAboveResidentMb() {
        return recycleAboveResidentMb;
    }

    public boolean reapOrphans() {
        return reapOrphans;
    }

    /** The name of browser handles. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "BrowserOptions{executable=" + (executable == null ? "(look up)" : executable)
                + ", headless=" + headless
                + ", args=" + args
                + ", navigationTimeout=" + navigationTimeout
                + ", actionTimeout=" + actionTimeout
                + ", launchTimeout=" + launchTimeout
                + ", killGrace=" + killGrace
                + ", recycleAfterPages=" + recycleAfterPages
                + ", recycleAboveResidentMb=" + recycleAboveResidentMb
                + ", reapOrphans=" + reapOrphans
                + ", name=" + name + '}';
    }

    /** Builds {@link BrowserOptions}; every setter rejects a bad value at once. */
    public static final class Builder {
        private Path executable;
        private boolean headless = true;
        private final List<String> args = new ArrayList<>();
        private Duration navigationTimeout = Duration.ofSeconds(30);
        private Duration actionTimeout = Duration.ofSeconds(30);
        private Duration launchTimeout = Duration.ofSeconds(30);
        private Duration killGrace = Duration.ofSeconds(2);
        private int recycleAfterPages;
        private long recycleAboveResidentMb;
        private boolean reapOrphans = true;
        private String name = "chromium";

        private Builder() {}

        private Builder(BrowserOptions o) {
            this.executable = o.executable;
            this.headless = o.headless;
            this.args.addAll(o.args);
            this.navigationTimeout = o.navigationTimeout;
            this.actionTimeout = o.actionTimeout;
            this.launchTimeout = o.launchTimeout;
            this.killGrace = o.killGrace;
            this.recycleAfterPages = o.recycleAfterPages;
            this.recycleAboveResidentMb = o.recycleAboveResidentMb;
            this.reapOrphans = o.reapOrphans;
            this.name = o.name;
        }

        /**
         * The Chromium to launch.
         *
         * @throws IllegalArgumentException if it is not an existing, executable file
         */
        public Builder executable(Path executable) {
            Objects.requireNonNull(executable, "executable");
            if (!Files.exists(executable)) {
                throw new IllegalArgumentException("executable does not exist: " + executable);
            }
            if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
                throw new IllegalArgumentException("executable is not an executable file: " + executable);
            }
            this.executable = executable;
            return this;
        }

        /** Look a Chromium up (the default). */
        public Builder findExecutable() {
            this.executable = null;
            return this;
        }

        public Builder headless(boolean headless) {
            this.headless = headless;
            return this;
        }

        /**
         * Extra Chromium switches (replacing earlier ones).
         *
         * @throws IllegalArgumentException for a blank switch, {@code --user-data-dir} (each browser gets a
         *     fresh temporary profile) or {@code --disable-crashpad-for-testing} (navigations then fail with
         *     ERR_ABORTED)
         */
        public Builder args(List<String> args) {
            Objects.requireNonNull(args, "args");
            for (String a : args) {
                Objects.requireNonNull(a, "args must not contain null: " + args);
                if (a.isBlank()) {
                    throw new IllegalArgumentException("args must not contain a blank switch: " + args);
                }
                if (a.startsWith("--user-data-dir")) {
                    throw new IllegalArgumentException(
                            "args must not set --user-data-dir (each browser gets a fresh temporary profile): " + a);
                }
                if (a.startsWith("--disable-crashpad-for-testing")) {
                    throw new IllegalArgumentException(
                            "args must not contain --disable-crashpad-for-testing (navigations then fail with"
                                    + " ERR_ABORTED): " + a);
                }
                if (a.startsWith(Marker.OWNER_SWITCH)) {
                    throw new IllegalArgumentException("args must not set the guard's own marker: " + a);
                }
            }
            this.args.clear();
            this.args.addAll(args);
            return this;
        }

        /** Playwright's default navigation timeout for every context; zero: none. */
        public Builder navigationTimeout(Duration timeout) {
            this.navigationTimeout = nonNegative("navigationTimeout", timeout);
            return this;
        }

        /** Playwright's default timeout for other actions of every context; zero: none. */
        public Builder actionTimeout(Duration timeout) {
            this.actionTimeout = nonNegative("actionTimeout", timeout);
            return this;
        }

        /** How long Chromium may take to start; zero: none. */
        public Builder launchTimeout(Duration timeout) {
            this.launchTimeout = nonNegative("launchTimeout", timeout);
            return this;
        }

        /** How long to wait for killed processes to vanish. */
        public Builder killGrace(Duration grace) {
            Objects.requireNonNull(grace, "killGrace");
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("killGrace must be positive: " + grace);
            }
            this.killGrace = grace;
            return this;
        }

        /** Relaunch the browser after this many pages; 0: never. */
        public Builder recycleAfterPages(int pages) {
            if (pages < 0) {
                throw new IllegalArgumentException("recycleAfterPages must not be negative: " + pages);
            }
            this.recycleAfterPages = pages;
            return this;
        }

        /** Relaunch the browser when its processes hold more than this many MiB; 0: never. */
        public Builder recycleAboveResidentMb(long megabytes) {
            if (megabytes < 0) {
                throw new IllegalArgumentException("recycleAboveResidentMb must not be negative: " + megabytes);
            }
            this.recycleAboveResidentMb = megabytes;
            return this;
        }

        /** Whether a guard's first launch kills browsers left by a JVM that died (default true). */
        public Builder reapOrphans(boolean reap) {
            this.reapOrphans = reap;
            return this;
        }

        /** The name of browser handles. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank: '" + name + "'");
            }
            this.name = name;
            return this;
        }

        public BrowserOptions build() {
            return new BrowserOptions(this);
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
