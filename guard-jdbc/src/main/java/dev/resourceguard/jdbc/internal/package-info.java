/**
 * The implementation of {@code dev.resourceguard.jdbc}: tracked connections and statements, their leases
 * (what the guard holds), pool support, and the reclaimer. Not exported; not API.
 */
package dev.resourceguard.jdbc.internal;
