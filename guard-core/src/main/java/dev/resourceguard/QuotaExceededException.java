package dev.resourceguard;

/**
 * Opening a handle waited for its kind's quota longer than the acquire timeout. The message names the
 * kind, the limit and the oldest holders: {@code "connection quota of 20 reached after 5000 ms (open=20,
 * waiting=3, oldest: task 'crawl-17' 93 s)"}.
 */
public class QuotaExceededException extends GuardException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final int limit;

    public QuotaExceededException(String message, String kind, int limit) {
        super(message);
        this.kind = kind;
        this.limit = limit;
    }

    public String kind() {
        return kind;
    }

    public int limit() {
        return limit;
    }
}
