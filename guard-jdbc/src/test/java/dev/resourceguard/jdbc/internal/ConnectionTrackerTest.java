package dev.resourceguard.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectionTrackerTest {

    @Test
    void queryTimeoutIsTheTimeLeftRoundedUpToWholeSecondsAtLeastOne() {
        assertEquals(1, ConnectionTracker.timeoutSeconds(1));
        assertEquals(1, ConnectionTracker.timeoutSeconds(999_999_999L));
        assertEquals(1, ConnectionTracker.timeoutSeconds(1_000_000_000L));
        assertEquals(2, ConnectionTracker.timeoutSeconds(1_000_000_001L));
        assertEquals(3, ConnectionTracker.timeoutSeconds(2_500_000_000L));
        assertEquals(Integer.MAX_VALUE, ConnectionTracker.timeoutSeconds(Long.MAX_VALUE));
    }
}
