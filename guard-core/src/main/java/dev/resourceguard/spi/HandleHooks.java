package dev.resourceguard.spi;

import dev.resourceguard.CloseCause;
import dev.resourceguard.HandleView;
import java.time.Duration;

/**
 * Callbacks an adapter attaches to the handles it registers (through {@code
 * HandleSpec.Builder#hooks}). The executors adapter, for example, uses {@link #stuck} and {@link
 * #stuckReturned} to give a pool back the capacity a stuck worker takes away.
 *
 * <p>Hooks run on guard threads; they must be fast and must not throw (a throwing hook is logged and
 * ignored).
 */
public interface HandleHooks {

    /** The handle's thread ignored cancel and forced close; {@code stack} is where it is now. */
    default void stuck(HandleView handle, Thread thread, StackTraceElement[] stack) {}

    /** A thread declared stuck has finally left the handle's scope. Runs on that thread. */
    default void stuckReturned(HandleView handle, Duration stuckFor) {}

    /** The handle closed; runs on the closing thread, after the close action. */
    default void closed(HandleView handle, CloseCause cause) {}
}
