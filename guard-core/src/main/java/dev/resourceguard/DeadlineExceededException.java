package dev.resourceguard;

/**
 * Work ran past its deadline and was cancelled: {@code "task 'crawl-17' #42 exceeded its deadline of
 * 200 ms (ran 1204 ms)"}. The exception the work itself threw, if any, is attached as the cause.
 */
public class DeadlineExceededException extends GuardException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
