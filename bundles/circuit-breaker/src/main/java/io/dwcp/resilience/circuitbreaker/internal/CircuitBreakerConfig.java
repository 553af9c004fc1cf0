package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The Metatype of {@code dwcp.circuitbreaker} factory configurations (one per operation, e.g.
 * {@code dwcp.circuitbreaker~send}): the one place of every key's default (the DWCP specification's
 * values for send: 5 consecutive failures, 60 s reset timeout, 30 s slow-call duration; Resilience4j-like
 * values for the rest) and bounds (durations within 7 days), checked by the kit against the generated
 * Metatype; {@link CircuitBreakerSettings} adds the rules across keys.
 */
@ObjectClassDefinition(id = CircuitBreakerSettings.PID, name = "DWCP circuit breaker",
        description = "Stops calls of one DWCP operation while they keep failing, probes for recovery, and keeps"
                + " its state across bundle swaps and restarts. Trip rules (consecutive failures, failure rate,"
                + " slow-call rate) combine: the first that fires opens the breaker; 0 turns a rule off.")
@interface CircuitBreakerConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Mode", description = "NORMAL lets the breaker trip and recover; the others force"
            + " a state until the mode changes: DISABLED (all calls pass, nothing measured), FORCED_OPEN (all calls"
            + " rejected), METRICS_ONLY (all calls pass and are measured, never trips).",
            options = { @Option(label = "Normal", value = "NORMAL"), @Option(label = "Disabled", value = "DISABLED"),
                @Option(label = "Forced open", value = "FORCED_OPEN"),
                @Option(label = "Metrics only", value = "METRICS_ONLY") })
    String mode() default "NORMAL";

    @AttributeDefinition(name = "Consecutive failures", min = "0", max = "1000000",
            description = "Failures in a row that open the breaker; 0 turns the rule off.")
    int failure_consecutive_threshold() default 5;

    @AttributeDefinition(name = "Failure rate threshold (%)", min = "0", max = "100",
            description = "Percentage of failed calls in the sliding window that opens the breaker, once the window"
                    + " holds the minimum number of calls; 0 turns the rule off.")
    double failure_rate_threshold() default 50.0;

    @AttributeDefinition(name = "Slow-call rate threshold (%)", min = "0", max = "100",
            description = "Percentage of slow calls in the sliding window that opens the breaker; 0 turns the rule"
                    + " off. A slow probe in HALF_OPEN reopens the breaker only while this rule is on.")
    double slow_call_rate_threshold() default 50.0;

    @AttributeDefinition(name = "Slow-call duration (ms)", min = "1", max = "604800000",
            description = "A call taking at least this long counts as slow.")
    long slow_call_duration_ms() default 30_000;

    @AttributeDefinition(name = "Window type", description = "COUNT: the last N calls; TIME: the calls of the last"
            + " N seconds.", options = { @Option(label = "Count", value = "COUNT"), @Option(label = "Time", value = "TIME") })
    String window_type() default "COUNT";

    @AttributeDefinition(name = "Window size", min = "1", max = "100000",
            description = "N: calls (COUNT, at most 100000) or seconds (TIME, at most 3600).")
    int window_size() default 100;

    @AttributeDefinition(name = "Minimum calls", min = "1", description = "Calls the window must hold before a rate"
            + " rule may open the breaker (at most the window size for COUNT).")
    int window_minimum_calls() default 20;

    @AttributeDefinition(name = "Reset timeout (ms)", min = "1", max = "604800000",
            description = "How long the breaker stays OPEN after a trip before it lets probes through.")
    long reset_timeout_ms() default 60_000;

    @AttributeDefinition(name = "Probe calls", min = "1", max = "10000", description = "Calls admitted in HALF_OPEN: all ending"
            + " without failure close the breaker, one failure reopens it.")
    int half_open_probes() default 3;

    @AttributeDefinition(name = "Max wait in HALF_OPEN (ms)", min = "0", max = "604800000", description = "How long HALF_OPEN waits for"
            + " the verdict of its probes once all are in flight before it reopens; 0 waits forever.")
    long half_open_max_wait_ms() default 60_000;

    @AttributeDefinition(name = "Open-time backoff multiplier", min = "1", max = "100", description = "Each trip"
            + " without recovery in between multiplies the open time by this; 1 keeps it at the reset timeout.")
    double open_backoff_multiplier() default 1.0;

    @AttributeDefinition(name = "Max open time (ms)", min = "1", max = "604800000",
            description = "Cap of the grown open time; at least the reset timeout.")
    long open_max_duration_ms() default 600_000;

    @AttributeDefinition(name = "Scope", description = Isolation.SCOPE_DESCRIPTION, options = {
            @Option(label = "Operation", value = "operation"), @Option(label = "Peer", value = "peer") })
    String scope() default "operation";

    @AttributeDefinition(name = "Max peers", min = "1", max = "100000", description = Isolation.MAX_PEERS_DESCRIPTION)
    int max_peers() default Isolation.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Recorded exceptions", type = AttributeType.STRING, required = false,
            description = "Comma-separated class names counted as failures (subclasses included); empty counts"
                    + " every failure. When not empty, other exceptions count as successes.")
    String[] record_exceptions() default {};

    @AttributeDefinition(name = "Ignored exceptions", type = AttributeType.STRING, required = false,
            description = "Comma-separated class names counted neither as failure nor as success (subclasses"
                    + " included). Rejections by inner stages are always ignored.")
    String[] ignore_exceptions() default { "java.lang.InterruptedException" };
}
