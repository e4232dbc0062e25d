package dev.resourceguard.test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Finds the threads that guards start, by their {@value #PREFIX} names. */
final class GuardThreads {

    /** The prefix of the names of the threads a guard starts. */
    static final String PREFIX = "resourceguard-";

    private GuardThreads() {}

    /** The live guard threads (an identity set). */
    static Set<Thread> alive() {
        Set<Thread> found = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Thread t : allThreads()) {
            if (t.isAlive() && t.getName().startsWith(PREFIX)) {
                found.add(t);
            }
        }
        return found;
    }

    /** The live guard threads not in {@code before}. */
    static Set<Thread> startedSince(Set<Thread> before) {
        Set<Thread> now = alive();
        now.removeAll(before);
        return now;
    }

    /** The threads' stacks, by name. */
    static Map<Thread, StackTraceElement[]> withStacks(Set<Thread> threads) {
        Map<Thread, StackTraceElement[]> stacks = new LinkedHashMap<>();
        threads.stream()
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .forEach(t -> stacks.put(t, t.getStackTrace()));
        return stacks;
    }

    private static Thread[] allThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        Thread[] found = new Thread[n];
        System.arraycopy(threads, 0, found, 0, n);
        return found;
    }
}
