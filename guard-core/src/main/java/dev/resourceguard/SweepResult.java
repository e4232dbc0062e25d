package dev.resourceguard;

import java.time.Duration;
import java.util.List;

/**
 * What a sweep did.
 *
 * @param reason why it ran ({@code manual}, {@code HIGH}, {@code CRITICAL})
 * @param swept descriptions of the handles it closed, in the order it closed them
 * @param freedBytesEstimate the summed cost estimates of what it closed
 * @param took how long it took
 */
public record SweepResult(String reason, List<String> swept, long freedBytesEstimate, Duration took) {
    public SweepResult {
        swept = List.copyOf(swept);
    }

    public int count() {
        return swept.size();
    }
}
