/**
 * Playwright browsers under a {@link dev.resourceguard.ResourceGuard}: {@link
 * dev.resourceguard.browser.GuardedBrowser}, {@link dev.resourceguard.browser.GuardedContext}, {@link
 * dev.resourceguard.browser.GuardedPage}, {@link dev.resourceguard.browser.BrowserPool}.
 */
package dev.resourceguard.browser;
