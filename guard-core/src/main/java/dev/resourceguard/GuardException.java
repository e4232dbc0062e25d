package dev.resourceguard;

/** The root of the guard's exceptions. Messages name the guard and the state that caused them. */
public class GuardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuardException(String message) {
        super(message);
    }

    public GuardException(String message, Throwable cause) {
        super(message, cause);
    }
}
