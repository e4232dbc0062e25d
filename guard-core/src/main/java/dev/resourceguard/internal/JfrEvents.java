package dev.resourceguard.internal;

import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Mirrors every {@link GuardEvent} into Java Flight Recorder as {@code dev.resourceguard.GuardEvent}, so
 * a recording taken in production shows deadlines, stuck threads, leaks and sweeps on the same timeline
 * as GC and thread activity. Costs nothing unless a recording enables the event.
 */
final class JfrEvents implements GuardListener {
    private final String guardName;

    JfrEvents(String guardName) {
        this.guardName = guardName;
        new Jfr().isEnabled(); // loads and registers the event class now, not on the first deadline
    }

    @Name("dev.resourceguard.GuardEvent")
    @Label("ResourceGuard Event")
    @Category("ResourceGuard")
    @Description("A deadline exceeded, a stuck thread, a leak, a sweep: what the guard did or noticed")
    @StackTrace(false)
    static final class Jfr extends Event {
        @Label("Guard")
        String guard;

        @Label("Type")
        String type;

        @Label("Handle Id")
        long handleId;

        @Label("Kind")
        String kind;

        @Label("Name")
        String name;

        @Label("Cause")
        String cause;

        @Label("Thread Name")
        String threadName;

        @Label("Message")
        String message;
    }

    @Override
    public void onEvent(GuardEvent e) {
        Jfr jfr = new Jfr();
        if (!jfr.isEnabled()) {
            return;
        }
        jfr.guard = guardName;
        jfr.type = e.type().name();
        jfr.handleId = e.handleId();
        jfr.kind = e.kind().orElse(null);
        jfr.name = e.name().orElse(null);
        jfr.cause = e.cause().map(Enum::name).orElse(null);
        jfr.threadName = e.threadName().orElse(null);
        jfr.message = e.message();
        jfr.commit();
    }
}
