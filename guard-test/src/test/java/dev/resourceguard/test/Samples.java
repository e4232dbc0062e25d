package dev.resourceguard.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs {@link Sample} classes through the Jupiter engine and reads what happened. */
final class Samples {

    static final String ENABLED = "dev.resourceguard.test.samples";

    private Samples() {}

    static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ENABLED, "true")
                .selectors(selectClass(sample))
                .execute();
    }

    /** The failures of the tests (not containers) of a run. */
    static List<Throwable> failures(EngineExecutionResults results) {
        return results.testEvents().failed().stream().map(Samples::throwable).collect(Collectors.toList());
    }

    /** The one failure of a run of one test. */
    static Throwable onlyFailure(EngineExecutionResults results) {
        List<Throwable> failures = failures(results);
        assertEquals(
                1,
                failures.size(),
                () -> "failures: " + failures + ", events: "
                        + results.allEvents().list());
        return failures.get(0);
    }

    /** Asserts that every test of the run started and passed; returns how many. */
    static long assertAllPassed(EngineExecutionResults results) {
        List<Throwable> failures = failures(results);
        assertEquals(List.of(), failures, "failures");
        long started = results.testEvents().started().count();
        assertEquals(started, results.testEvents().succeeded().count(), "succeeded");
        return started;
    }

    private static Throwable throwable(Event event) {
        return event.getRequiredPayload(TestExecutionResult.class)
                .getThrowable()
                .orElseThrow(() -> new AssertionError("failed without a throwable: " + event));
    }

    /** Disables a {@link Sample} unless {@link #run(Class)} runs it. */
    static final class OnlyWhenRunBySamples implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED)
                            .map(Boolean::parseBoolean)
                            .orElse(false)
                    ? ConditionEvaluationResult.enabled("run by Samples.run")
                    : ConditionEvaluationResult.disabled("a sample for the kit's own tests; run by Samples.run");
        }
    }
}
