package dev.resourceguard.test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that exists to be run by {@link Samples#run(Class)} from the kit's own tests (some
 * fail on purpose). Excluded from surefire by its tag, and disabled anywhere else (an IDE running the
 * package) by {@link Samples.OnlyWhenRunBySamples}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("sample")
@ExtendWith(Samples.OnlyWhenRunBySamples.class)
@interface Sample {}
