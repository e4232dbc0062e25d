package dev.resourceguard.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JdbcOptionsTest {

    @Test
    void defaults() {
        JdbcOptions o = JdbcOptions.defaults();
        assertEquals(Optional.empty(), o.name());
        assertEquals(Optional.empty(), o.leakThreshold());
        assertEquals(Duration.ofMinutes(15), o.maxHoldTime());
        assertEquals(Duration.ofMinutes(1), o.reclaimIdleTime());
        assertEquals(Duration.ofSeconds(1), o.reclaimCheckInterval());
        assertTrue(o.deadlineQueryTimeout());
        assertFalse(o.statementHandles());
        assertSame(o, JdbcOptions.defaults());
        assertEquals(
                "JdbcOptions{name=default, leakThreshold=guard's, maxHoldTime=PT15M, reclaimIdleTime=PT1M,"
                        + " reclaimCheckInterval=PT1S, deadlineQueryTimeout=true, statementHandles=false}",
                o.toString());
    }

    @Test
    void settingsAndToString() {
        JdbcOptions o = JdbcOptions.builder()
                .name("orders")
                .leakThreshold(Duration.ofSeconds(10))
                .maxHoldTime(Duration.ZERO)
                .reclaimIdleTime(Duration.ofSeconds(5))
                .reclaimCheckInterval(Duration.ofMillis(500))
                .deadlineQueryTimeout(false)
                .statementHandles(true)
                .build();
        assertEquals(
                "JdbcOptions{name=orders, leakThreshold=PT10S, maxHoldTime=never, reclaimIdleTime=PT5S,"
                        + " reclaimCheckInterval=PT0.5S, deadlineQueryTimeout=false, statementHandles=true}",
                o.toString());
        assertEquals(o.toString(), o.toBuilder().build().toString());
    }

    @Test
    void rejectsBadValuesNamingThem() {
        JdbcOptions.Builder b = JdbcOptions.builder();
        assertMessage("leakThreshold must not be negative: PT-1S", () -> b.leakThreshold(Duration.ofSeconds(-1)));
        assertMessage("maxHoldTime must not be negative: PT-0.001S", () -> b.maxHoldTime(Duration.ofMillis(-1)));
        assertMessage("reclaimIdleTime must be positive: PT0S", () -> b.reclaimIdleTime(Duration.ZERO));
        assertMessage("reclaimIdleTime must be positive: PT-1M", () -> b.reclaimIdleTime(Duration.ofMinutes(-1)));
        assertMessage("reclaimCheckInterval must be positive: PT0S", () -> b.reclaimCheckInterval(Duration.ZERO));
        assertMessage("name must not be blank: ' '", () -> b.name(" "));
        assertEquals(
                "leakThreshold",
                assertThrows(NullPointerException.class, () -> b.leakThreshold(null))
                        .getMessage());
        assertEquals(
                "maxHoldTime",
                assertThrows(NullPointerException.class, () -> b.maxHoldTime(null))
                        .getMessage());
        assertEquals(
                "name",
                assertThrows(NullPointerException.class, () -> b.name(null)).getMessage());
    }

    @Test
    void maxHoldTimeMustBeLongerThanTheLeakThreshold() {
        assertMessage(
                "maxHoldTime (PT1M) must be longer than the leak threshold (PT1M, leakThreshold), or zero to never"
                        + " reclaim by age",
                () -> JdbcOptions.builder()
                        .leakThreshold(Duration.ofMinutes(1))
                        .maxHoldTime(Duration.ofMinutes(1))
                        .build());
        JdbcOptions.builder()
                .leakThreshold(Duration.ofMinutes(1))
                .maxHoldTime(Duration.ZERO)
                .build();
        JdbcOptions.builder()
                .leakThreshold(Duration.ZERO)
                .maxHoldTime(Duration.ofSeconds(1))
                .build();
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
