package dev.resourceguard.internal;

import dev.resourceguard.GuardMXBean;
import dev.resourceguard.SweepResult;
import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers a guard's {@link GuardMXBean} with the platform MBean server, and removes it on close. */
final class GuardJmx implements GuardMXBean {
    static final String DOMAIN = "dev.resourceguard";

    private final DefaultGuard guard;
    private ObjectName registered;

    GuardJmx(DefaultGuard guard) {
        this.guard = guard;
    }

    static ObjectName objectName(String guardName) throws JMException {
        return new ObjectName(DOMAIN + ":type=ResourceGuard,name=" + ObjectName.quote(guardName));
    }

    void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(guard.name);
            server.registerMBean(this, name);
            registered = name;
        } catch (InstanceAlreadyExistsException e) {
            guard.log.info("[{}] another guard of that name is registered with JMX; this one is not", guard.name);
        } catch (JMException | RuntimeException e) {
            guard.log.warn("[{}] could not register with JMX: {}", guard.name, e.toString());
        }
    }

    void unregister() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException | RuntimeException ignored) {
                // already gone
            }
            registered = null;
        }
    }

    @Override
    public String getName() {
        return guard.name;
    }

    @Override
    public int getOpenHandles() {
        return guard.openHandles().size();
    }

    @Override
    public long getStuckThreads() {
        return guard.stats().stuckNow();
    }

    @Override
    public long getDeadlinesExceeded() {
        return guard.stats().deadlinesExceeded();
    }

    @Override
    public long getLeaked() {
        return guard.stats().leaked();
    }

    @Override
    public String getMemoryLevel() {
        return guard.stats().memoryLevel().name();
    }

    @Override
    public String getReportText() {
        return guard.report().toText();
    }

    @Override
    public String getReportJson() {
        return guard.report().toJson();
    }

    @Override
    public String sweep() {
        SweepResult r = guard.sweep();
        return "swept " + r.count() + " handle(s), ~" + (r.freedBytesEstimate() >> 10) + " KiB: " + r.swept();
    }
}
