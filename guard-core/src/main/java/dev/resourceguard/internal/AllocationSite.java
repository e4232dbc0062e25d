package dev.resourceguard.internal;

import java.util.Arrays;

/**
 * The stack of the code that opened a handle. Never thrown; carried for leak reports. The guard's own
 * frames are cut off, so the first frame is the caller of the guard (or of an adapter).
 */
final class AllocationSite extends Throwable {
    private static final long serialVersionUID = 1L;
    private static final String INTERNAL = AllocationSite.class.getPackageName() + '.';

    AllocationSite() {
        super("handle opened here");
        StackTraceElement[] stack = getStackTrace();
        int skip = 0;
        while (skip < stack.length && stack[skip].getClassName().startsWith(INTERNAL)) {
            skip++;
        }
        if (skip > 0 && skip < stack.length) {
            setStackTrace(Arrays.copyOfRange(stack, skip, stack.length));
        }
    }

    @Override
    public String toString() {
        return "handle opened here";
    }
}
