/** Micrometer meters for guarded executors; needs {@code io.micrometer:micrometer-core} on the class path. */
package dev.resourceguard.executors.micrometer;
