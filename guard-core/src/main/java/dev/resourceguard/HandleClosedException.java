package dev.resourceguard;

/** An operation needed an open handle: "task 'crawl-17' #42 already closed (cause=TIMED_OUT)". */
public class HandleClosedException extends GuardException {
    private static final long serialVersionUID = 1L;
    private final transient CloseCause cause;

    public HandleClosedException(String message, CloseCause cause) {
        super(message);
        this.cause = cause;
    }

    /** Why the handle was closed, or {@code null} if it is being cancelled. */
    public CloseCause closeCause() {
        return cause;
    }
}
