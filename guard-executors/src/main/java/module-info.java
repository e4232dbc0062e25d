/**
 * ResourceGuard for executors: wraps any {@code ExecutorService} so that every task is a tracked handle
 * with a deadline, stuck workers are replaced, and gather, graceful shutdown and retry come with it.
 * The API is {@code dev.resourceguard.executors}; the Micrometer binder is in {@code
 * dev.resourceguard.executors.micrometer} (Micrometer is optional).
 */
module dev.resourceguard.executors {
    requires transitive dev.resourceguard;
    requires org.slf4j;
    requires static micrometer.core;

    exports dev.resourceguard.executors;
    exports dev.resourceguard.executors.micrometer;
}
