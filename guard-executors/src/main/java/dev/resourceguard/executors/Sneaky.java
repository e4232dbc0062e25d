package dev.resourceguard.executors;

/** Rethrows a throwable as it is, checked or not (a {@code Runnable} can only have thrown an unchecked one). */
final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
