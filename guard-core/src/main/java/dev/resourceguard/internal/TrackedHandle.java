package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.Handle;
import dev.resourceguard.HandleSpec;
import dev.resourceguard.HandleState;
import dev.resourceguard.HandleView;
import dev.resourceguard.Scope;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The handle users hold when reachability tracking is on. It only delegates: its one job is to be the
 * referent whose collection tells the guard that an open handle was abandoned. Nothing in the guard
 * holds it.
 */
final class TrackedHandle<T> implements Handle<T> {
    final Entry entry;

    @SuppressWarnings("this-escape")
    TrackedHandle(
            ReferenceQueue<Object> queue,
            DefaultGuard guard,
            HandleSpec<?> spec,
            KindStats stats,
            String name,
            Object resource,
            long now,
            long timeoutNanos,
            Throwable site) {
        // The entry refers to this facade only phantom-reachably: it is the referent, nothing else.
        this.entry = new Entry(this, queue, guard, spec, stats, name, resource, now, timeoutNanos, site);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) entry.get();
    }

    @Override
    public void close() {
        entry.closeWith(CloseCause.COMPLETED);
    }

    @Override
    public boolean close(CloseCause cause) {
        return entry.close(cause);
    }

    @Override
    public boolean cancel() {
        return entry.cancel();
    }

    @Override
    public boolean cancel(CloseCause cause) {
        return entry.cancel(cause);
    }

    @Override
    public void forceClose() {
        entry.forceClose();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Scope enter() {
        return entry.enterAs((Handle<Object>) (Handle<?>) this);
    }

    @Override
    public void touch() {
        entry.touch();
    }

    @Override
    public void detach() {
        entry.detach();
    }

    @Override
    public void transferTo(Handle<?> newOwner) {
        entry.transferTo(newOwner);
    }

    @Override
    public void setTimeout(Duration timeout) {
        entry.setTimeout(timeout);
    }

    @Override
    public void clearDeadline() {
        entry.clearDeadline();
    }

    @Override
    public void setCostBytes(long bytes) {
        entry.setCostBytes(bytes);
    }

    @Override
    public void checkOpen() {
        entry.checkOpen();
    }

    @Override
    public long id() {
        return entry.id();
    }

    @Override
    public String kind() {
        return entry.kind();
    }

    @Override
    public String name() {
        return entry.name();
    }

    @Override
    public HandleState state() {
        return entry.state();
    }

    @Override
    public Optional<CloseCause> closeCause() {
        return entry.closeCause();
    }

    @Override
    public Optional<HandleView> owner() {
        return entry.owner();
    }

    @Override
    public List<HandleView> children() {
        return entry.children();
    }

    @Override
    public Duration age() {
        return entry.age();
    }

    @Override
    public Duration idleTime() {
        return entry.idleTime();
    }

    @Override
    public Optional<Duration> remaining() {
        return entry.remaining();
    }

    @Override
    public long costBytes() {
        return entry.costBytes();
    }

    @Override
    public boolean isProtected() {
        return entry.isProtected();
    }

    @Override
    public Optional<Throwable> allocationSite() {
        return entry.allocationSite();
    }

    @Override
    public Optional<Thread> runner() {
        return entry.runner();
    }

    @Override
    public boolean isStuck() {
        return entry.isStuck();
    }

    @Override
    public boolean isLeakSuspected() {
        return entry.isLeakSuspected();
    }

    @Override
    public String toString() {
        return entry.toString();
    }
}
