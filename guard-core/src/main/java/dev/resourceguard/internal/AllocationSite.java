package dev.resourceguard.internal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * The stack of the code that opened a handle. Never thrown; carried for leak reports. The guard's own
 * frames are cut off, so the first frame is the caller of the guard (or of an adapter).
 *
 * <p>Capturing is the VM's cheap part (the backtrace, filled in by the constructor); turning it into
 * {@link StackTraceElement}s is the expensive part, several microseconds, and is only needed when a leak
 * is reported. So the frames are materialised and trimmed on first use, never on the tracking path.
 */
final class AllocationSite extends Throwable {
    private static final long serialVersionUID = 1L;
    private static final String INTERNAL = AllocationSite.class.getPackageName() + '.';

    private transient volatile boolean trimmed;

    AllocationSite() {
        super("handle opened here");
    }

    @Override
    public StackTraceElement[] getStackTrace() {
        if (!trimmed) {
            synchronized (this) {
                if (!trimmed) {
                    StackTraceElement[] stack = super.getStackTrace();
                    int skip = 0;
                    while (skip < stack.length && stack[skip].getClassName().startsWith(INTERNAL)) {
                        skip++;
                    }
                    if (skip > 0 && skip < stack.length) {
                        setStackTrace(Arrays.copyOfRange(stack, skip, stack.length));
                    }
                    trimmed = true;
                }
            }
        }
        return super.getStackTrace();
    }

    @Override
    public void printStackTrace(PrintStream s) {
        getStackTrace(); // trim first: printing reads the frames directly
        super.printStackTrace(s);
    }

    @Override
    public void printStackTrace(PrintWriter s) {
        getStackTrace();
        super.printStackTrace(s);
    }

    @Override
    public String toString() {
        return "handle opened here";
    }
}
