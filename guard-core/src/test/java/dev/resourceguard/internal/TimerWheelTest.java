package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Time is plain numbers here. The wheel promises exact expiry: a node fires in the first advance whose
 * time is at or past its own, so every check below is exact, not "within a bucket".
 */
class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long BUCKET = 1L << 24;
    private static final long[] LEVEL_DELAYS = {10 * MS, 2 * SECOND, 2 * MINUTE, 3 * HOUR, 10 * DAY};

    @Test
    void firesAtItsDueTimeAndNotBefore() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = schedule(wheel, "n", 10 * MS);

        assertEquals(List.of(), advance(wheel, 10 * MS - 1));
        assertTrue(wheel.isScheduled(node));
        assertEquals(List.of(node), advance(wheel, 10 * MS));
        assertUnlinked(wheel, node);
        assertEquals(0, wheel.size());
        assertEquals(List.of(), advance(wheel, 20 * MS));
    }

    @Test
    void firesOnTheFirstAdvancePastItsDueTime() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = schedule(wheel, "n", 10 * MS);

        assertEquals(List.of(), advance(wheel, 5 * MS));
        assertEquals(List.of(node), advance(wheel, 3 * HOUR));
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(24, 30, 36, 42, 48, 54)
                .flatMap(shift -> Stream.of(-1L, 0L, 1L).map(offset -> Arguments.of(shift, offset)));
    }

    @ParameterizedTest(name = "3 * 2^{0} {1}")
    @MethodSource("boundaries")
    void firesExactlyAtBucketBoundaries(int shift, long offset) {
        long due = 3 * (1L << shift) + offset;
        TimerWheel direct = new TimerWheel(0);
        TimerWheel stepped = new TimerWheel(0);
        Node a = schedule(direct, "a", due);
        Node b = schedule(stepped, "b", due);

        assertEquals(List.of(), advance(direct, due - 1));
        long step = 1L << (shift - 3);
        for (long now = step; now - (due - 1) < 0; now += step) {
            assertEquals(List.of(), advance(stepped, now), () -> "early at " + (due - 1));
        }
        assertEquals(List.of(), advance(stepped, due - 1));

        assertEquals(List.of(a), advance(direct, due));
        assertEquals(List.of(b), advance(stepped, due));
    }

    static Stream<Arguments> originsAndSteps() {
        long[] origins = {0, 123_456_789L, -5 * DAY + 7, -1, Long.MAX_VALUE - SECOND, Long.MIN_VALUE + 3};
        long[] steps = {999_999_937L, MINUTE + 1, HOUR + 7, DAY + 3, 20 * DAY};
        List<Arguments> arguments = new ArrayList<>();
        arguments.add(Arguments.of(0L, 10 * MS));
        arguments.add(Arguments.of(Long.MAX_VALUE - SECOND, BUCKET));
        arguments.add(Arguments.of(-1L, BUCKET - 1));
        for (long origin : origins) {
            for (long step : steps) {
                arguments.add(Arguments.of(origin, step));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "origin {0}, step {1}")
    @MethodSource("originsAndSteps")
    void cascadesThroughEveryLevel(long origin, long step) {
        TimerWheel wheel = new TimerWheel(origin);
        List<Node> nodes = new ArrayList<>();
        for (long delay : LEVEL_DELAYS) {
            nodes.add(schedule(wheel, "+" + delay, origin + delay));
        }
        long[] now = {origin};
        Consumer<TimerNode> onExpired = node -> {
            Node n = (Node) node;
            n.firings++;
            n.firedAt = now[0];
        };
        long end = origin + 10 * DAY + step;
        for (now[0] = origin + step; now[0] - end <= 0; now[0] += step) {
            wheel.advance(now[0], onExpired);
        }
        for (Node node : nodes) {
            long late = node.firedAt - node.time;
            assertEquals(1, node.firings, node::toString);
            assertTrue(late >= 0, () -> node + " fired " + -late + " ns early");
            assertTrue(late < step, () -> node + " fired " + late + " ns late with step " + step);
        }
        assertEquals(0, wheel.size());
    }

    @Test
    void aNodeDueWhenScheduledFiresOnTheNextAdvance() {
        TimerWheel wheel = new TimerWheel(SECOND);
        Node past = schedule(wheel, "past", SECOND / 2);
        Node now = schedule(wheel, "now", SECOND);
        Node longAgo = schedule(wheel, "longAgo", SECOND - (1L << 62));
        assertEquals(3, wheel.size());

        assertEquals(Set.of(past, now, longAgo), Set.copyOf(advance(wheel, SECOND)));
        assertEquals(0, wheel.size());
    }

    @Test
    void anEarlierNowDoesNotRewindTheWheel() {
        TimerWheel wheel = new TimerWheel(SECOND);
        Node due = schedule(wheel, "due", SECOND);
        Node later = schedule(wheel, "later", SECOND + 5 * MS);

        assertEquals(List.of(due), advance(wheel, SECOND / 2));
        assertEquals(List.of(), advance(wheel, SECOND + 5 * MS - 1));
        assertEquals(List.of(later), advance(wheel, SECOND + 5 * MS));
    }

    @ParameterizedTest
    @ValueSource(longs = {10 * MS, 2 * SECOND, 2 * MINUTE, 3 * HOUR, 10 * DAY})
    void descheduleRemovesANodeFromEachLevel(long delay) {
        TimerWheel wheel = new TimerWheel(77);
        Node before = schedule(wheel, "before", 77 + delay - 1);
        Node node = schedule(wheel, "node", 77 + delay);
        Node after = schedule(wheel, "after", 77 + delay + 1);

        assertTrue(wheel.deschedule(node));
        assertUnlinked(wheel, node);
        assertFalse(wheel.deschedule(node));
        assertEquals(2, wheel.size());

        assertEquals(List.of(), advance(wheel, 77 + delay - 2));
        assertEquals(List.of(before), advance(wheel, 77 + delay - 1));
        assertEquals(List.of(), advance(wheel, 77 + delay));
        assertEquals(List.of(after), advance(wheel, 77 + delay + 1));
        assertEquals(List.of(), advance(wheel, 77 + 30 * DAY));
        assertEquals(0, wheel.size());
    }

    @Test
    void descheduleAfterCascadingDown() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = schedule(wheel, "node", 3 * HOUR);
        for (long now = MINUTE; now < 3 * HOUR - MINUTE; now += MINUTE) {
            advance(wheel, now);
        }
        assertEquals(List.of(), advance(wheel, 3 * HOUR - 500 * MS));

        assertTrue(wheel.deschedule(node));
        assertEquals(List.of(), advance(wheel, 4 * HOUR));
        assertEquals(0, wheel.size());
    }

    @Test
    void descheduleOfANodeThatWasNeverScheduled() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = new Node("n", 5);
        assertFalse(wheel.isScheduled(node));
        assertFalse(wheel.deschedule(node));
        assertEquals(0, wheel.size());
    }

    @Test
    void rescheduleMovesANodeEarlierOrLater() {
        TimerWheel wheel = new TimerWheel(0);
        Node sooner = schedule(wheel, "sooner", 2 * MINUTE);
        Node later = schedule(wheel, "later", 10 * MS);

        sooner.time = 10 * MS;
        wheel.reschedule(sooner);
        later.time = 3 * HOUR;
        wheel.reschedule(later);
        assertEquals(2, wheel.size());

        assertEquals(List.of(sooner), advance(wheel, 10 * MS));
        assertEquals(List.of(), advance(wheel, 2 * MINUTE));
        assertEquals(List.of(), advance(wheel, 3 * HOUR - 1));
        assertEquals(List.of(later), advance(wheel, 3 * HOUR));
    }

    @Test
    void rescheduleOfAnUnscheduledNodeSchedulesIt() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = new Node("n", 2 * SECOND);
        wheel.reschedule(node);
        assertTrue(wheel.isScheduled(node));
        assertEquals(1, wheel.size());
        assertEquals(List.of(node), advance(wheel, 2 * SECOND));
    }

    @Test
    void schedulingAScheduledNodeThrowsAndChangesNothing() {
        TimerWheel wheel = new TimerWheel(0);
        Node node = schedule(wheel, "n", SECOND);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wheel.schedule(node));
        assertTrue(e.getMessage().contains("already scheduled: n@"), e.getMessage());
        assertEquals(1, wheel.size());
        assertEquals(List.of(node), advance(wheel, SECOND));
        assertEquals(List.of(), advance(wheel, 2 * SECOND));
    }

    @Test
    void callbackMayRescheduleTheExpiredNode() {
        TimerWheel wheel = new TimerWheel(0);
        Node periodic = schedule(wheel, "periodic", 100 * MS);
        List<Long> firedAt = new ArrayList<>();

        for (long now = 7 * MS; now < 10 * SECOND + 7 * MS; now += 7 * MS) {
            long at = now;
            wheel.advance(now, node -> {
                Node n = (Node) node;
                assertUnlinked(wheel, n);
                assertTrue(at - n.time >= 0 && at - n.time < 7 * MS, () -> n + " at " + at);
                firedAt.add(n.time);
                n.time += 100 * MS;
                wheel.schedule(n);
            });
        }
        assertEquals(100, firedAt.size());
        assertEquals(10_000 * MS, firedAt.get(99));
        assertEquals(1, wheel.size());
        assertTrue(wheel.isScheduled(periodic));
    }

    @Test
    void aNodeRescheduledAsDueFromItsCallbackFiresOnTheNextAdvanceNotTheSameOne() {
        TimerWheel wheel = new TimerWheel(0);
        schedule(wheel, "n", 10 * MS);
        List<Long> firings = new ArrayList<>();
        for (long now : new long[] {10 * MS, 10 * MS, 11 * MS}) {
            int fired = wheel.advance(now, node -> {
                firings.add(now);
                ((Node) node).time = now - SECOND;
                wheel.schedule(node);
            });
            assertEquals(1, fired);
        }
        assertEquals(List.of(10 * MS, 10 * MS, 11 * MS), firings);
        assertEquals(1, wheel.size());
    }

    @Test
    void callbackMayDescheduleAnotherDueNodeAndScheduleNewOnes() {
        TimerWheel wheel = new TimerWheel(0);
        Node a = schedule(wheel, "a", 10 * MS);
        Node b = schedule(wheel, "b", 2 * MS);
        Node c = new Node("c", 3 * SECOND);
        List<Node> fired = new ArrayList<>();

        int count = wheel.advance(SECOND, node -> {
            fired.add((Node) node);
            assertTrue(wheel.deschedule(node == a ? b : a));
            wheel.schedule(c);
        });
        assertEquals(1, count);
        assertEquals(1, fired.size());
        assertUnlinked(wheel, a);
        assertUnlinked(wheel, b);
        assertEquals(1, wheel.size());
        assertEquals(List.of(), advance(wheel, 3 * SECOND - 1));
        assertEquals(List.of(c), advance(wheel, 3 * SECOND));
    }

    @Test
    void aThrowingCallbackLeavesTheRestForTheNextAdvance() {
        TimerWheel wheel = new TimerWheel(0);
        List<Node> nodes =
                List.of(schedule(wheel, "a", MS), schedule(wheel, "b", 2 * MS), schedule(wheel, "c", 3 * MS));
        List<Node> fired = new ArrayList<>();

        assertThrows(
                IllegalArgumentException.class,
                () -> wheel.advance(SECOND, node -> {
                    fired.add((Node) node);
                    throw new IllegalArgumentException("boom");
                }));
        assertEquals(1, fired.size());
        assertUnlinked(wheel, fired.get(0));
        assertEquals(2, wheel.size());
        assertEquals(SECOND, wheel.nextExpiryHint());

        List<Node> rest = advance(wheel, SECOND);
        assertEquals(2, rest.size());
        fired.addAll(rest);
        assertEquals(Set.copyOf(nodes), Set.copyOf(fired));
        assertEquals(0, wheel.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -5 * DAY, Long.MAX_VALUE - SECOND, Long.MAX_VALUE, Long.MIN_VALUE})
    void farFutureDeadlinesDoNotOverflow(long origin) {
        TimerWheel wheel = new TimerWheel(origin);
        long due = origin + Long.MAX_VALUE;
        Node far = schedule(wheel, "far", due);
        Node alsoFar = schedule(wheel, "alsoFar", due - 3 * HOUR);

        long now = origin;
        for (int i = 0; i < 15; i++) {
            now += 1L << 59;
            assertEquals(List.of(), advance(wheel, now));
            assertHintIsConservative(wheel, now, alsoFar.time);
        }
        for (long left = due - now; left > 0; left /= 7) {
            long at = due - left;
            List<Node> expected = wheel.isScheduled(alsoFar) && at - alsoFar.time >= 0 ? List.of(alsoFar) : List.of();
            assertEquals(expected, advance(wheel, at), "at " + at);
        }
        assertFalse(wheel.isScheduled(alsoFar));
        assertEquals(List.of(), advance(wheel, due - 1));
        assertEquals(List.of(far), advance(wheel, due));
        assertEquals(Long.MAX_VALUE, wheel.nextExpiryHint());
    }

    @Test
    void sizeCountsScheduledNodes() {
        TimerWheel wheel = new TimerWheel(0);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            nodes.add(schedule(wheel, "n" + i, LEVEL_DELAYS[i % LEVEL_DELAYS.length] + i));
        }
        assertEquals(1_000, wheel.size());
        for (int i = 0; i < 1_000; i += 10) {
            wheel.deschedule(nodes.get(i));
        }
        assertEquals(900, wheel.size());
        for (int i = 1; i < 1_000; i += 10) {
            wheel.reschedule(nodes.get(i));
        }
        assertEquals(900, wheel.size());
        assertEquals(500, advance(wheel, 3 * MINUTE).size());
        assertEquals(400, wheel.size());
        assertEquals(400, advance(wheel, 11 * DAY).size());
        assertEquals(0, wheel.size());
    }

    @Test
    void hintIsMaxValueWhenEmptyAndTheWheelTimeWhenSomethingIsDue() {
        TimerWheel wheel = new TimerWheel(SECOND);
        assertEquals(Long.MAX_VALUE, wheel.nextExpiryHint());

        Node node = schedule(wheel, "n", SECOND + 3 * MS);
        assertEquals(SECOND + 3 * MS, wheel.nextExpiryHint());
        schedule(wheel, "due", SECOND - 1);
        assertEquals(SECOND, wheel.nextExpiryHint());
        advance(wheel, SECOND);
        assertEquals(node.time, wheel.nextExpiryHint());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, Long.MAX_VALUE - SECOND, -3 * HOUR})
    void hintIsNeverLaterThanTheEarliestDeadlineNorEarlierThanNow(long origin) {
        SplittableRandom random = new SplittableRandom(origin);
        TimerWheel wheel = new TimerWheel(origin);
        TreeSet<Node> model = new TreeSet<>(byKey());
        long now = origin;
        for (int i = 0; i < 20_000; i++) {
            if (random.nextInt(3) > 0) {
                Node node = new Node("n" + i, now + Math.max(1, randomDelay(random)));
                node.key = node.time - origin;
                model.add(node);
                wheel.schedule(node);
            } else {
                now += randomStep(random);
                for (Node fired : advance(wheel, now)) {
                    assertTrue(model.remove(fired));
                }
            }
            long hint = wheel.nextExpiryHint();
            if (model.isEmpty()) {
                assertEquals(Long.MAX_VALUE, hint);
            } else {
                assertHintIsConservative(wheel, now, model.first().time);
                assertTrue(hint - now > 0, "nothing is due, so the hint is in the future");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}, origin {1}")
    @CsvSource({"1, 0", "2, 9223372035854775807", "3, -4611686018427387904", "4, -1", "5, 987654321987654321"})
    void agreesWithAReferenceModel(long seed, long origin) {
        SplittableRandom random = new SplittableRandom(seed);
        TimerWheel wheel = new TimerWheel(origin);
        Node[] nodes = new Node[100_000];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new Node("n" + i, 0);
        }
        Model model = new Model(origin);
        long elapsedBudget = 1L << 61;
        int advances = 0;
        int expiries = 0;

        for (int op = 0; op < 500_000; op++) {
            Node node = nodes[random.nextInt(nodes.length)];
            int kind = random.nextInt(100);
            if (kind < 40) {
                long time = model.now + randomDelay(random);
                if (node.modelScheduled) {
                    model.remove(node);
                    node.time = time;
                    wheel.reschedule(node);
                } else {
                    node.time = time;
                    wheel.schedule(node);
                }
                model.add(node);
            } else if (kind < 60) {
                assertEquals(node.modelScheduled, wheel.deschedule(node), node::toString);
                model.remove(node);
            } else {
                long step = randomStep(random);
                if (model.now - origin + step - elapsedBudget > 0) {
                    step = random.nextLong(SECOND);
                }
                long now = model.now + step;
                Set<Node> expected = model.dueAt(now);
                List<Node> fired = new ArrayList<>();
                int count = wheel.advance(now, expiredNode -> {
                    Node n = (Node) expiredNode;
                    assertUnlinked(wheel, n);
                    assertTrue(expected.remove(n), () -> n + " fired but was not first due at " + now);
                    n.modelScheduled = false;
                    fired.add(n);
                    int action = random.nextInt(20);
                    if (action == 0) {
                        n.time = now + randomDelay(random);
                        wheel.schedule(n);
                        model.add(n);
                    } else if (action == 1) {
                        Node other = nodes[random.nextInt(nodes.length)];
                        assertEquals(other.modelScheduled, wheel.deschedule(other));
                        if (!expected.remove(other)) {
                            model.remove(other);
                        }
                        other.modelScheduled = false;
                    }
                });
                assertEquals(fired.size(), count);
                assertEquals(Set.of(), expected, () -> "due at " + now + " but not fired");
                advances++;
                expiries += count;
            }
            assertEquals(model.size(), wheel.size());
            if (op % 997 == 0 && model.size() > 0) {
                assertHintIsConservative(wheel, model.now, model.first().time);
            }
        }
        assertTrue(advances > 150_000 && expiries > 150_000, advances + " advances, " + expiries + " expiries");
    }

    /** Sorted scheduled nodes by time relative to the origin, which the test keeps within ±2^62. */
    private static final class Model {
        final long origin;
        final TreeSet<Node> scheduled = new TreeSet<>(byKey());
        long now;

        Model(long origin) {
            this.origin = origin;
            this.now = origin;
        }

        void add(Node node) {
            node.key = node.time - origin;
            node.modelScheduled = true;
            scheduled.add(node);
        }

        void remove(Node node) {
            scheduled.remove(node);
            node.modelScheduled = false;
        }

        /** Takes out the nodes due at {@code time}; they stay scheduled until they fire. */
        Set<Node> dueAt(long time) {
            now = time;
            Set<Node> due = new HashSet<>();
            while (!scheduled.isEmpty() && scheduled.first().key - (time - origin) <= 0) {
                due.add(scheduled.pollFirst());
            }
            return due;
        }

        int size() {
            return scheduled.size();
        }

        Node first() {
            return scheduled.first();
        }
    }

    private static Comparator<Node> byKey() {
        return Comparator.<Node>comparingLong(n -> n.key).thenComparingInt(n -> n.id);
    }

    /** Mostly spread evenly over the levels' exponents; some already due, a few near 2^61. */
    private static long randomDelay(SplittableRandom random) {
        int p = random.nextInt(100);
        if (p < 5) {
            return -random.nextLong(SECOND);
        } else if (p < 7) {
            return 0;
        } else if (p < 8) {
            return random.nextLong(1L << 61);
        }
        long base = 1L << random.nextInt(51);
        return base + random.nextLong(base);
    }

    private static long randomStep(SplittableRandom random) {
        int p = random.nextInt(100);
        if (p < 5) {
            return 0;
        } else if (p < 7) {
            return random.nextLong(1L << 50);
        }
        long base = 1L << random.nextInt(10, 40);
        return base + random.nextLong(base);
    }

    /** The hint lies between now and the earliest deadline, and is now when that deadline has passed. */
    private static void assertHintIsConservative(TimerWheel wheel, long now, long earliest) {
        long hint = wheel.nextExpiryHint();
        long latest = earliest - now <= 0 ? now : earliest;
        assertTrue(hint - now >= 0, () -> "hint " + hint + " is before now " + now);
        assertTrue(hint - latest <= 0, () -> "hint " + hint + " is after the earliest deadline " + earliest);
    }

    private static void assertUnlinked(TimerWheel wheel, Node node) {
        assertFalse(wheel.isScheduled(node));
        assertNull(node.timerNext());
        assertNull(node.timerPrev());
    }

    private static Node schedule(TimerWheel wheel, String name, long time) {
        Node node = new Node(name, time);
        wheel.schedule(node);
        assertTrue(wheel.isScheduled(node));
        return node;
    }

    private static List<Node> advance(TimerWheel wheel, long now) {
        List<Node> fired = new ArrayList<>();
        int count = wheel.advance(now, node -> {
            assertFalse(wheel.isScheduled(node));
            fired.add((Node) node);
        });
        assertEquals(fired.size(), count);
        return fired;
    }

    private static final class Node implements TimerNode {
        private static final AtomicInteger IDS = new AtomicInteger();
        final int id = IDS.incrementAndGet();
        final String name;
        long time;
        TimerNode prev;
        TimerNode next;
        int firings;
        long firedAt;
        long key;
        boolean modelScheduled;

        Node(String name, long time) {
            this.name = name;
            this.time = time;
        }

        @Override
        public long timerNanos() {
            return time;
        }

        @Override
        public TimerNode timerPrev() {
            return prev;
        }

        @Override
        public void setTimerPrev(TimerNode n) {
            prev = n;
        }

        @Override
        public TimerNode timerNext() {
            return next;
        }

        @Override
        public void setTimerNext(TimerNode n) {
            next = n;
        }

        @Override
        public String toString() {
            return name + "@" + time;
        }
    }
}
