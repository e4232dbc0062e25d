package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The standard policy's lazily read heap order equals a full sort by the documented keys. */
class SweepPolicyTest {

    @Test
    void heapOrderEqualsAFullSortByGroupCostAndAge() {
        TestSupport.ManualTicker ticker = new TestSupport.ManualTicker();
        try (ResourceGuard guard = ResourceGuard.create(GuardConfig.builder()
                .name("policy")
                .ticker(ticker)
                .allocationSites(AllocationSites.OFF)
                .build())) {
            Random random = new Random(7);
            HandleSpec<Object> withDeadline =
                    HandleSpec.builder("p").timeout(Duration.ofSeconds(5)).build();
            HandleSpec<Object> plain = HandleSpec.of("p");
            List<Handle<Object>> handles = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                Handle<Object> h = guard.track(new Object(), random.nextInt(3) == 0 ? withDeadline : plain);
                h.setCostBytes(random.nextInt(50) * 1024L); // many equal costs: the age decides
                if (random.nextInt(4) == 0) {
                    h.touch();
                }
                handles.add(h);
                ticker.advance(Duration.ofMillis(random.nextInt(3)));
            }
            // past the deadlines (the watchdog runs on the manual ticker and does not fire them);
            // touch some handles so they are not idle
            ticker.advance(Duration.ofSeconds(6));
            for (int i = 0; i < handles.size(); i += 5) {
                handles.get(i).touch();
            }
            Duration idle = Duration.ofSeconds(1);
            List<HandleView> candidates = new ArrayList<>(handles);
            Collections.shuffle(candidates, random);

            List<HandleView> ordered = SweepPolicy.standard().order(candidates, idle);

            Comparator<HandleView> reference = Comparator.<HandleView>comparingInt(h -> group(h, idle))
                    .thenComparing(
                            Comparator.comparingLong(HandleView::costBytes).reversed())
                    .thenComparing(
                            Comparator.comparingLong((HandleView h) -> h.age().toNanos())
                                    .reversed());
            List<HandleView> sorted = new ArrayList<>(candidates);
            sorted.sort(reference);
            assertEquals(sorted.size(), ordered.size());
            // read in a random-access pattern first, then all: the lazy list must not depend on it
            assertEquals(sorted.get(10), ordered.get(10));
            assertEquals(sorted.get(3), ordered.get(3));
            for (int i = 0; i < sorted.size(); i++) {
                HandleView a = sorted.get(i);
                HandleView b = ordered.get(i);
                assertEquals(0, reference.compare(a, b), "position " + i + ": " + a + " vs " + b);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> ordered.get(sorted.size()));
            assertEquals(List.of(), SweepPolicy.standard().order(List.of(), idle));
            handles.forEach(Handle::close);
        }
    }

    private static int group(HandleView h, Duration idle) {
        if (h.remaining().map(Duration::isNegative).orElse(false)) {
            return 0;
        }
        if (h.isLeakSuspected()) {
            return 1;
        }
        return h.runner().isEmpty() && h.idleTime().compareTo(idle) >= 0 ? 2 : 3;
    }
}
