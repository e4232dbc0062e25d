package dev.resourceguard.internal;

import dev.resourceguard.CloseCause;
import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import dev.resourceguard.HandleView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/** The ring buffer of recent events and the listeners. */
final class EventLog {
    private final GuardEvent[] ring;
    private int next;
    private long count;
    private final CopyOnWriteArrayList<GuardListener> listeners = new CopyOnWriteArrayList<>();
    /** Listeners that override {@link GuardListener#onClose}; empty means the close path skips them. */
    private final CopyOnWriteArrayList<GuardListener> closeListeners = new CopyOnWriteArrayList<>();

    private final Logger log;

    EventLog(int size, Logger log) {
        this.ring = new GuardEvent[size];
        this.log = log;
    }

    void addListener(GuardListener l) {
        listeners.add(l);
        if (overridesOnClose(l)) {
            closeListeners.add(l);
        }
    }

    void removeListener(GuardListener l) {
        listeners.remove(l);
        closeListeners.remove(l);
    }

    private static boolean overridesOnClose(GuardListener l) {
        try {
            return l.getClass()
                            .getMethod("onClose", HandleView.class, CloseCause.class)
                            .getDeclaringClass()
                    != GuardListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    void publish(GuardEvent e) {
        synchronized (ring) {
            ring[next] = e;
            next = (next + 1) % ring.length;
            count++;
        }
        for (GuardListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                log.warn("listener {} threw on {}; ignored", l, e.type(), ex);
            }
        }
    }

    boolean hasCloseListeners() {
        return !closeListeners.isEmpty();
    }

    void closed(HandleView h, CloseCause cause) {
        for (GuardListener l : closeListeners) {
            try {
                l.onClose(h, cause);
            } catch (RuntimeException ex) {
                log.warn("listener {} threw on close of {}; ignored", l, h.describe(), ex);
            }
        }
    }

    /** The recent events, oldest first. */
    List<GuardEvent> recent() {
        synchronized (ring) {
            List<GuardEvent> list = new ArrayList<>(ring.length);
            int n = (int) Math.min(count, ring.length);
            int start = (next - n + ring.length) % ring.length;
            for (int i = 0; i < n; i++) {
                list.add(ring[(start + i) % ring.length]);
            }
            return list;
        }
    }
}
