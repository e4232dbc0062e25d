package dev.resourceguard.tools;

import com.sun.tools.attach.VirtualMachine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Prints the report of every ResourceGuard in a running JVM, found by process id:
 *
 * <pre>
 * java -cp guard-core.jar dev.resourceguard.tools.GuardReportCli &lt;pid&gt; [--json] [--sweep] [--name NAME]
 * </pre>
 *
 * It attaches to the JVM (same user, a JDK with {@code jdk.attach}), starts its local management agent
 * if needed, and reads each guard's {@link dev.resourceguard.GuardMXBean}. Exit status: 0 when at least
 * one guard was found, 1 when none, 2 on bad usage or when the JVM cannot be reached.
 */
public final class GuardReportCli {
    static final String USAGE = "usage: GuardReportCli <pid> [--json] [--sweep] [--name NAME]\n"
            + "  prints the report of every ResourceGuard in the JVM with that process id";

    private GuardReportCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(o.pid));
        } catch (Exception | LinkageError e) {
            err.println("cannot attach to JVM " + o.pid + ": " + e.getMessage()
                    + " (same user? a JDK with jdk.attach? is the pid a JVM?)");
            return 2;
        }
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = c.getMBeanServerConnection();
                String pattern = "dev.resourceguard:type=ResourceGuard,name="
                        + (o.name == null ? "*" : ObjectName.quote(o.name));
                Set<ObjectName> names = new TreeSet<>(server.queryNames(new ObjectName(pattern), null));
                if (names.isEmpty()) {
                    err.println("no ResourceGuard" + (o.name == null ? "" : " named '" + o.name + "'") + " in JVM "
                            + o.pid + " (is JMX registration off? RESOURCEGUARD_JMX)");
                    return 1;
                }
                for (ObjectName name : names) {
                    if (o.sweep) {
                        out.println(server.invoke(name, "sweep", new Object[0], new String[0]));
                    }
                    out.println(server.getAttribute(name, o.json ? "ReportJson" : "ReportText"));
                }
                return 0;
            }
        } catch (Exception e) {
            err.println("cannot read the guards of JVM " + o.pid + ": " + e);
            return 2;
        } finally {
            try {
                vm.detach();
            } catch (Exception ignored) {
                // nothing to do
            }
        }
    }

    private static final class Options {
        long pid;
        boolean json;
        boolean sweep;
        String name;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> o.json = true;
                    case "--sweep" -> o.sweep = true;
                    case "--name" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--name needs a guard name");
                        }
                        o.name = args[++i];
                    }
                    default -> rest.add(args[i]);
                }
            }
            if (rest.size() != 1) {
                throw new IllegalArgumentException("expected one process id, got " + rest);
            }
            try {
                o.pid = Long.parseLong(rest.get(0));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("process id must be a whole number: '" + rest.get(0) + "'");
            }
            if (o.pid <= 0) {
                throw new IllegalArgumentException("process id must be positive: " + o.pid);
            }
            return o;
        }
    }
}
