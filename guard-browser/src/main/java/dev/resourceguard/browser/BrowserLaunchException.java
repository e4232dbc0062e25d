package dev.resourceguard.browser;

import dev.resourceguard.GuardException;

/**
 * A browser could not be launched: no Chromium was found (the message lists every place looked at), the
 * Playwright driver or Chromium failed to start, or the launching work was cancelled meanwhile.
 */
public class BrowserLaunchException extends GuardException {
    private static final long serialVersionUID = 1L;

    public BrowserLaunchException(String message) {
        super(message);
    }

    public BrowserLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
