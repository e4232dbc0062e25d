package dev.resourceguard;

/**
 * A handle opened and entered in one step by {@link ResourceGuard#trackAndEnter}: the {@link Scope}
 * during which the new handle owns what the thread opens, and the handle itself. Closing the scope
 * restores the previous owner; it does not close the handle.
 *
 * <pre>{@code
 * EnteredHandle<Job> entered = guard.trackAndEnter(job, JOB_SPEC, null, null);
 * Handle<Job> h = entered.handle();
 * try (entered) {
 *     job.run();
 * }
 * h.close();
 * }</pre>
 *
 * <p>Like any scope: must be closed on the thread that opened it, in reverse order of nesting.
 */
public interface EnteredHandle<T> extends Scope {

    /** The handle that was opened and entered. */
    Handle<T> handle();
}
