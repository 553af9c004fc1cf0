package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The retry stage's configuration: one factory configuration {@code dwcp.retry~<operation>} per
 * operation. The one place of every key's default and bounds: the kit checks values against the
 * Metatype bnd generates from it; {@link RetrySettings} adds the rules across keys.
 */
@ObjectClassDefinition(
        name = "DWCP retry",
        description = "Retries failed calls of one operation with backoff and jitter, within the invocation's"
                + " deadline and a retry budget.")
@interface RetryConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Maximum retries", min = "0", max = "100",
            description = "Retries after the first attempt; 0 disables retrying.")
    int max_retries() default 3;

    @AttributeDefinition(name = "Backoff", description = "How the delay grows from retry to retry.",
            options = {
                @Option(label = "Exponential: initial x multiplier^(n-1)", value = "exponential"),
                @Option(label = "Linear: initial + increment x (n-1)", value = "linear"),
                @Option(label = "Fibonacci: fib(n) x initial", value = "fibonacci"),
                @Option(label = "Fixed: initial every time", value = "fixed")})
    String backoff() default "exponential";

    @AttributeDefinition(name = "Initial delay (ms)", min = "0", max = "3600000", description = "The delay before the first retry.")
    long initial_delay_ms() default 100;

    @AttributeDefinition(name = "Maximum delay (ms)", min = "0", max = "3600000",
            description = "The cap of every delay; not less than the initial delay.")
    long max_delay_ms() default 5_000;

    @AttributeDefinition(name = "Multiplier", min = "1", max = "100",
            description = "Growth factor of the exponential backoff.")
    double multiplier() default 2.0;

    @AttributeDefinition(name = "Increment (ms)", min = "0", max = "3600000", description = "Growth step of the linear backoff.")
    long increment_ms() default 100;

    @AttributeDefinition(name = "Jitter", description = "How each delay is randomised.",
            options = {
                @Option(label = "None", value = "none"),
                @Option(label = "Proportional: delay x (1 +/- factor)", value = "proportional"),
                @Option(label = "Full: uniform in [0, delay]", value = "full"),
                @Option(label = "Decorrelated: uniform in [initial, 3 x previous delay]", value = "decorrelated")})
    String jitter() default "proportional";

    @AttributeDefinition(name = "Jitter factor", min = "0", max = "1",
            description = "Relative spread of the proportional jitter (0.1 = +/-10%).")
    double jitter_factor() default 0.1;

    @AttributeDefinition(name = "Retry on exceptions", required = false,
            description = "Comma-separated exception class names to retry (a class, a superclass or an interface"
                    + " matches); empty retries every exception. Rejections by outer stages are never retried.")
    String[] retry_exceptions() default {};

    @AttributeDefinition(name = "Ignore exceptions", required = false,
            description = "Comma-separated exception class names never to retry; wins over the list above.")
    String[] ignore_exceptions() default {};

    @AttributeDefinition(name = "Retry on results", required = false,
            description = "Comma-separated result rules: null, false, empty, instanceof:<class name>, equals:<text>.")
    String[] retry_on_results() default {};

    @AttributeDefinition(name = "Result predicate", required = false,
            description = "Name of a java.util.function.Predicate service registered with dwcp.retry.predicate=<name>;"
                    + " a result it accepts is retried.")
    String result_predicate() default "";

    @AttributeDefinition(name = "Retry budget enabled", type = AttributeType.BOOLEAN,
            description = "Whether retries are capped at a ratio of calls.")
    boolean budget_enabled() default true;

    @AttributeDefinition(name = "Retry budget ratio", min = "0", max = "100",
            description = "Retries allowed per call over the window (0.2 = 20%).")
    double budget_ratio() default 0.2;

    @AttributeDefinition(name = "Minimum retries per second", min = "0", max = "1000000",
            description = "Retries always allowed per second of window, so a quiet operation can still retry.")
    double budget_min_retries_per_second() default 3.0;

    @AttributeDefinition(name = "Retry budget window (ms)", min = "100", max = "3600000",
            description = "The sliding window over which retries and calls are counted.")
    long budget_window_ms() default 10_000;
}
