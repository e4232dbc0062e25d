/**
 * ResourceGuard for Playwright: browsers, contexts and pages as handles with deadlines that really fire,
 * process trees that are always killed and verified gone, crash detection, orphan reaping and a browser
 * pool. See {@link dev.resourceguard.browser.GuardedBrowser}.
 */
module dev.resourceguard.browser {
    requires transitive dev.resourceguard;
    requires transitive playwright;
    requires org.slf4j;

    exports dev.resourceguard.browser;
}
