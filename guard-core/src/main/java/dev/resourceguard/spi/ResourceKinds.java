package dev.resourceguard.spi;

/** The kind names the guard's own adapters use, so reports and meters agree across modules. */
public final class ResourceKinds {
    /** Work running on a thread: an executor task, a gather member. */
    public static final String TASK = "task";
    /** A JDBC connection. */
    public static final String CONNECTION = "connection";
    /** A JDBC statement. */
    public static final String STATEMENT = "statement";
    /** A browser process (with its Playwright driver). */
    public static final String BROWSER = "browser";
    /** A browser context. */
    public static final String CONTEXT = "context";
    /** A browser page. */
    public static final String PAGE = "page";

    private ResourceKinds() {}
}
