package dev.resourceguard.executors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link GuardedExecutorService#gather} got: one {@link Outcome} per task, in the order the tasks
 * were given. Immutable.
 *
 * <pre>{@code
 * GatherResult<Quote> r = workers.gather(calls, Duration.ofSeconds(2));
 * r.values();     // the quotes that arrived, in call order
 * r.failures();   // index -> exception
 * r.timedOut();   // indexes of the calls given up on
 * }</pre>
 *
 * @param <T> the tasks' value type
 */
public final class GatherResult<T> {

    /** How one task ended. */
    public enum Status {
        /** It returned a value. */
        COMPLETED,
        /** It threw. */
        FAILED,
        /** The gather's deadline passed before it finished (it may never have started). */
        TIMED_OUT,
        /** It was cancelled by something else: its handle was swept or the guard was closed. */
        CANCELLED
    }

    /**
     * How the task at {@code index} ended.
     *
     * @param value its value when {@link Status#COMPLETED}, else {@code null}
     * @param failure its exception when {@link Status#FAILED}, else {@code null}
     */
    public record Outcome<T>(int index, Status status, T value, Throwable failure) {
        public boolean isCompleted() {
            return status == Status.COMPLETED;
        }
    }

    private final List<Outcome<T>> outcomes;
    private final Duration elapsed;

    GatherResult(List<Outcome<T>> outcomes, Duration elapsed) {
        this.outcomes = List.copyOf(outcomes);
        this.elapsed = elapsed;
    }

    /** One outcome per task, in task order. */
    public List<Outcome<T>> outcomes() {
        return outcomes;
    }

    /** The values of the tasks that completed, in task order (a task's {@code null} value included). */
    public List<T> values() {
        List<T> list = new ArrayList<>();
        for (Outcome<T> o : outcomes) {
            if (o.status() == Status.COMPLETED) {
                list.add(o.value());
            }
        }
        return Collections.unmodifiableList(list);
    }

    /** The exceptions of the tasks that failed, by task index, in task order. */
    public Map<Integer, Throwable> failures() {
        Map<Integer, Throwable> map = new LinkedHashMap<>();
        for (Outcome<T> o : outcomes) {
            if (o.status() == Status.FAILED) {
                map.put(o.index(), o.failure());
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** The indexes of the tasks that did not finish in time, in order. */
    public List<Integer> timedOut() {
        return indexes(Status.TIMED_OUT);
    }

    /** The indexes of the tasks cancelled by something other than the gather's deadline. */
    public List<Integer> cancelled() {
        return indexes(Status.CANCELLED);
    }

    /** Whether every task completed. */
    public boolean isComplete() {
        return outcomes.stream().allMatch(Outcome::isCompleted);
    }

    /** How long the gather took. */
    public Duration elapsed() {
        return elapsed;
    }

    private List<Integer> indexes(Status status) {
        List<Integer> list = new ArrayList<>();
        for (Outcome<T> o : outcomes) {
            if (o.status() == status) {
                list.add(o.index());
            }
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public String toString() {
        int[] n = new int[Status.values().length];
        outcomes.forEach(o -> n[o.status().ordinal()]++);
        return "gather of " + outcomes.size() + " in " + elapsed.toMillis() + " ms: " + n[0] + " completed, " + n[1]
                + " failed, " + n[2] + " timed out" + (n[3] == 0 ? "" : ", " + n[3] + " cancelled");
    }
}
