package dev.resourceguard;

/**
 * How close memory use is to its limit. Levels rise as soon as use crosses {@link
 * GuardConfig#memoryHigh()} or {@link GuardConfig#memoryCritical()} and fall back to {@link #NORMAL} only
 * below {@link GuardConfig#memoryRecovery()} (hysteresis), so use that hovers at a threshold does not
 * set off a storm of sweeps.
 */
public enum MemoryLevel {
    /** Below the high mark (or back below the recovery mark). */
    NORMAL,
    /** At or above the high mark: idle, expired and leaked handles are swept. */
    HIGH,
    /** At or above the critical mark: emergency sweeps cancel work in policy order. */
    CRITICAL
}
