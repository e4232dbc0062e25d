package dev.resourceguard.spi;

import dev.resourceguard.GuardReport;
import dev.resourceguard.ResourceGuard;

/**
 * Adds a section to every {@link ResourceGuard#report()}: an adapter's own state that the guard cannot
 * see, such as a connection pool's active, idle and waiting counts. Register with {@link
 * ResourceGuard#addReportContributor}, remove with {@link ResourceGuard#removeReportContributor}.
 *
 * <p>Called on the thread that asks for the report (a user, JMX, the report CLI): it must be fast and
 * must not block. A contributor that throws or returns {@code null} is left out of that report and
 * logged at DEBUG; the report is still made.
 */
@FunctionalInterface
public interface ReportContributor {

    /** The section to add now, or {@code null} for none this time. */
    GuardReport.Section section();
}
