package dev.resourceguard.jdbc;

import dev.resourceguard.GuardEvent;
import dev.resourceguard.GuardListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records a guard's events, for assertions. */
final class Events implements GuardListener {
    private final List<GuardEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(GuardEvent event) {
        all.add(event);
    }

    List<GuardEvent> of(GuardEvent.Type type, String kind) {
        return all.stream()
                .filter(e -> e.type() == type && e.kind().orElse("").equals(kind))
                .collect(Collectors.toList());
    }

    int count(GuardEvent.Type type, String kind) {
        return of(type, kind).size();
    }

    List<GuardEvent> all() {
        return List.copyOf(all);
    }
}
