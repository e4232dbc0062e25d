package dev.resourceguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resourceguard.spi.ReportContributor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sections adapters add to reports: in text and JSON, failing contributors left out, bad values rejected. */
class ReportContributorTest {

    @Test
    void contributedSectionsAppearInTextAndJsonUntilRemoved() {
        try (ResourceGuard guard = ResourceGuard.create(TestSupport.fast().build())) {
            AtomicInteger active = new AtomicInteger(3);
            Map<String, Object> values = new LinkedHashMap<>();
            ReportContributor pool = () -> {
                values.put("active", active.get());
                values.put("idle", 1);
                values.put("healthy", true);
                values.put("pool", "orders");
                return new GuardReport.Section("jdbc pool 'orders'", values);
            };
            ReportContributor throwing = () -> {
                throw new IllegalStateException("pool is gone");
            };
            ReportContributor nothing = () -> null;
            guard.addReportContributor(pool);
            guard.addReportContributor(pool); // once only
            guard.addReportContributor(throwing);
            guard.addReportContributor(nothing);

            GuardReport r = guard.report();
            assertEquals(1, r.sections().size(), r.sections().toString());
            GuardReport.Section s = r.sections().get(0);
            assertEquals("jdbc pool 'orders'", s.name());
            assertEquals(
                    List.of("active", "idle", "healthy", "pool"),
                    List.copyOf(s.values().keySet()));
            assertTrue(
                    r.toText().contains("jdbc pool 'orders': active=3, idle=1, healthy=true, pool=orders\n"),
                    r.toText());
            assertTrue(
                    r.toJson()
                            .contains("\"sections\":[{\"name\":\"jdbc pool 'orders'\",\"values\":"
                                    + "{\"active\":3,\"healthy\":true,\"idle\":1,\"pool\":\"orders\"}}]"),
                    r.toJson());

            active.set(5);
            assertEquals(5, guard.report().sections().get(0).values().get("active"), "read at each report");

            guard.removeReportContributor(pool);
            assertEquals(List.of(), guard.report().sections());
            assertTrue(guard.report().toJson().contains("\"sections\":[]"));
        }
    }

    @Test
    void aSectionValueMustBeAStringNumberOrBoolean() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new GuardReport.Section("pool", Map.of("threads", List.of(1))));
        assertTrue(e.getMessage().contains("'threads'"), e.getMessage());
        assertTrue(e.getMessage().contains("section 'pool'"), e.getMessage());
        assertTrue(e.getMessage().contains("java.util"), e.getMessage());
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("idle", null);
        assertThrows(IllegalArgumentException.class, () -> new GuardReport.Section("pool", withNull));
        assertThrows(NullPointerException.class, () -> new GuardReport.Section(null, Map.of()));
    }
}
