package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The timeout stage's configuration: one factory configuration {@code dwcp.timeout~<operation>} per
 * operation. The one place of every key's default and bounds (a fixed timeout within one day): the kit
 * checks values against the Metatype bnd generates from it; {@link TimeoutSettings} adds the rules across keys.
 */
@ObjectClassDefinition(
        name = "DWCP timeout",
        description = "Bounds each attempt of one operation with a fixed or adaptive timeout, set as a deadline"
                + " on the invocation.")
@interface TimeoutConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Mode", description = "Fixed timeout, or adaptive to the observed latency.",
            options = {
                @Option(label = "Fixed", value = "fixed"),
                @Option(label = "Adaptive: x0.95 on success (not below 2 x latency), x1.10 on failure", value = "adaptive")})
    String mode() default "fixed";

    @AttributeDefinition(name = "Timeout (ms)", min = "1", max = "86400000",
            description = "The fixed timeout, or the adaptive timeout's starting value.")
    long timeout_ms() default 30_000;

    @AttributeDefinition(name = "Minimum timeout (ms)", min = "1", max = "86400000", description = "Lower bound of the adaptive timeout.")
    long min_timeout_ms() default 10;

    @AttributeDefinition(name = "Maximum timeout (ms)", min = "1", max = "86400000", description = "Upper bound of the adaptive timeout.")
    long max_timeout_ms() default 300_000;

    @AttributeDefinition(name = "Success factor", min = "0.01", max = "1",
            description = "The adaptive timeout is multiplied by this after a success.")
    double success_factor() default 0.95;

    @AttributeDefinition(name = "Failure factor", min = "1", max = "100",
            description = "The adaptive timeout is multiplied by this after a failure.")
    double failure_factor() default 1.10;

    @AttributeDefinition(name = "Latency multiplier", min = "1", max = "100",
            description = "After a success the adaptive timeout stays at least this multiple of the observed latency.")
    double latency_multiplier() default 2.0;

    @AttributeDefinition(name = "Observed latency", description = "Which latency bounds the adaptive timeout from below.",
            options = {
                @Option(label = "The last successful call's", value = "last"),
                @Option(label = "A percentile of the last window's calls (HdrHistogram)", value = "percentile")})
    String latency_basis() default "last";

    @AttributeDefinition(name = "Percentile", min = "1", max = "100", description = "The percentile, e.g. 95.")
    double percentile() default 95.0;

    @AttributeDefinition(name = "Percentile window (ms)", min = "100", max = "3600000",
            description = "How often the percentile is recomputed from the calls since the last time.")
    long percentile_window_ms() default 10_000;

    @AttributeDefinition(name = "Grow on", description = "Which failures make the adaptive timeout grow.",
            options = {
                @Option(label = "Every failure", value = "failure"),
                @Option(label = "Only timeouts", value = "timeout")})
    String grow_on() default "failure";

    @AttributeDefinition(name = "Forced", type = AttributeType.BOOLEAN,
            description = "Run calls on an executor and interrupt them at the deadline, for calls that ignore"
                    + " deadlines. Costs a thread hand-off per call.")
    boolean forced() default false;

    @AttributeDefinition(name = "Forced mode threads", min = "1", max = "10000",
            description = "The most calls the forced mode runs at once; more are refused.")
    int forced_max_threads() default 32;

    @AttributeDefinition(name = "Fail late results", type = AttributeType.BOOLEAN,
            description = "Replace a result returned after the deadline with a DeadlineExceededException. Costs a"
                    + " clock read per call in fixed mode; off, the deadline is enforced where the call blocks.")
    boolean fail_late_results() default false;
}
