package dev.resourceguard;

/** The guard is closed (or closing) and accepts no new handles. */
public class GuardClosedException extends GuardException {
    private static final long serialVersionUID = 1L;

    public GuardClosedException(String message) {
        super(message);
    }
}
