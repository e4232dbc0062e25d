package dev.resourceguard;

/** {@link Ticker#system()}: one instance, so the guard can tell the system clock from a test's ticker. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}
