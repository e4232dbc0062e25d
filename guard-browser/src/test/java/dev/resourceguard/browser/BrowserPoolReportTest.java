package dev.resourceguard.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.GuardReport;
import dev.resourceguard.ResourceGuard;
import dev.resourceguard.test.GuardExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A browser pool's counts are a section of the guard's reports while it is open. No browser is launched. */
class BrowserPoolReportTest {

    @RegisterExtension
    final GuardExtension guards = GuardExtension.create();

    @Test
    void anOpenPoolReportsItsCountsAndAClosedOneNothing(ResourceGuard guard) {
        BrowserPool pool = BrowserPool.create(guard, 3);
        List<GuardReport.Section> sections = guard.report().sections().stream()
                .filter(s -> s.name().startsWith("browser pool #"))
                .toList();
        assertEquals(1, sections.size(), guard.report().toText());
        assertEquals(
                Map.of("max", 3, "browsers", 0, "idle", 0, "leased", 0, "waiting", 0, "launches", 0),
                sections.get(0).values());
        assertTrue(guard.report().toText().contains(": max=3, browsers=0, idle=0, leased=0, waiting=0, launches=0\n"));

        pool.close();
        assertTrue(guard.report().sections().stream().noneMatch(s -> s.name().startsWith("browser pool #")));
    }
}
