package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.Isolation;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The validated settings of one circuit breaker, as the state machine reads them on every call. Built
 * only through {@link #from(ConfigReader)}, which refuses a bad value with an
 * {@link InvalidConfigurationException} naming PID, key, value and reason.
 *
 * @param operation                   the operation served, or {@code *} for every operation
 * @param mode                        NORMAL, or a manual-only state forced by configuration
 * @param consecutiveFailureThreshold failures in a row that trip the breaker; 0 = rule off
 * @param failureRateThreshold        percent of failed calls in the window that trips it; 0 = rule off
 * @param slowCallRateThreshold       percent of slow calls in the window that trips it; 0 = rule off
 * @param slowCallDurationNanos       a call at least this long is slow
 * @param windowType                  COUNT (last N calls) or TIME (last N seconds)
 * @param windowSize                  N calls or N seconds
 * @param minimumCalls                calls the window must hold before a rate rule can trip
 * @param resetTimeoutNanos           how long the breaker stays OPEN after a first trip
 * @param halfOpenProbes              probe calls admitted in HALF_OPEN
 * @param halfOpenMaxWaitNanos        longest wait in HALF_OPEN for the probes' verdict; 0 = unbounded
 * @param openBackoffMultiplier       open time grows by this factor on each trip without recovery; 1 = off
 * @param maxOpenNanos                cap of the grown open time
 * @param exceptions                  which failures count
 * @param isolation                   one breaker per operation, or per operation and peer (bounded)
 */
public record CircuitBreakerSettings(String operation, Mode mode, int consecutiveFailureThreshold,
        double failureRateThreshold, double slowCallRateThreshold, long slowCallDurationNanos,
        WindowType windowType, int windowSize, int minimumCalls, long resetTimeoutNanos, int halfOpenProbes,
        long halfOpenMaxWaitNanos, double openBackoffMultiplier, long maxOpenNanos,
        ExceptionClassifier exceptions, Isolation isolation) implements ConfiguredComponent.Scoped {

    /** The configuration PID (factory PID) of breakers. */
    public static final String PID = "dwcp.circuitbreaker";

    /** The most seconds of a TIME window (a COUNT window's bound, 100 000 calls, is the Metatype's). */
    static final int MAX_TIME_WINDOW_SECONDS = 3_600;

    /** Whether configuration forces a manual-only state. */
    public enum Mode { NORMAL, DISABLED, FORCED_OPEN, METRICS_ONLY }

    /** The kind of sliding window the rate rules look at. */
    public enum WindowType { COUNT, TIME }

    /** @return the defaults for {@code operation} */
    public static CircuitBreakerSettings defaults(String operation) {
        return from(new ConfigReader(PID, Map.of(Stage.OPERATION, operation)));
    }

    /**
     * Validates a configuration: the kit checks each value against {@link CircuitBreakerConfig}'s Metatype
     * (defaults and bounds are written there only); here are the rules across keys.
     *
     * @param in the configuration
     * @return the settings
     * @throws InvalidConfigurationException for the first bad value found
     */
    public static CircuitBreakerSettings from(ConfigReader in) {
        CircuitBreakerConfig c = in.typed(CircuitBreakerConfig.class);
        Mode mode = ConfigReader.constant(Mode.class, c.mode());
        WindowType windowType = ConfigReader.constant(WindowType.class, c.window_type());
        if (windowType == WindowType.TIME && c.window_size() > MAX_TIME_WINDOW_SECONDS) {
            throw in.refuse("window.size", c.window_size(), "must be between 1 and " + MAX_TIME_WINDOW_SECONDS
                    + " (seconds) for window.type=TIME");
        }
        if (windowType == WindowType.COUNT && c.window_minimum_calls() > c.window_size()) {
            throw in.refuse("window.minimum.calls", c.window_minimum_calls(), "greater than window.size="
                    + c.window_size() + ": a count window never holds that many calls");
        }
        if (c.open_max_duration_ms() < c.reset_timeout_ms()) {
            throw in.refuse("open.max.duration.ms", c.open_max_duration_ms(), "less than reset.timeout.ms="
                    + c.reset_timeout_ms() + ": the grown open time cannot be shorter than the first");
        }
        Set<String> record = in.classNames("record.exceptions", c.record_exceptions());
        Set<String> ignore = in.classNames("ignore.exceptions", c.ignore_exceptions());
        for (String name : record) {
            if (ignore.contains(name)) {
                throw in.refuse("record.exceptions", name, "also listed in ignore.exceptions");
            }
        }
        if (mode == Mode.NORMAL && c.failure_consecutive_threshold() == 0 && c.failure_rate_threshold() == 0.0
                && c.slow_call_rate_threshold() == 0.0) {
            throw in.refuse("failure.consecutive.threshold", 0, "every trip rule is off (failure.rate.threshold and"
                    + " slow.call.rate.threshold are 0 too), so the breaker could never open;"
                    + " set mode=METRICS_ONLY to measure without tripping");
        }
        return new CircuitBreakerSettings(c.dwcp_operation(), mode, c.failure_consecutive_threshold(),
                c.failure_rate_threshold(), c.slow_call_rate_threshold(), ms(c.slow_call_duration_ms()), windowType,
                c.window_size(), c.window_minimum_calls(), ms(c.reset_timeout_ms()), c.half_open_probes(),
                ms(c.half_open_max_wait_ms()), c.open_backoff_multiplier(), ms(c.open_max_duration_ms()),
                new ExceptionClassifier(record, ignore), Isolation.of(c.scope(), c.max_peers()));
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** @return whether a rate rule (failure rate or slow-call rate) is on, so a window is needed */
    boolean rateRulesEnabled() {
        return failureRateThreshold > 0.0 || slowCallRateThreshold > 0.0;
    }

    /** @return whether {@code other} needs a window of a different shape than this */
    boolean windowShapeDiffers(CircuitBreakerSettings other) {
        return windowType != other.windowType || windowSize != other.windowSize;
    }

    /**
     * @param consecutiveTrips trips since the breaker was last CLOSED, at least 1
     * @return how long the breaker stays OPEN after that trip
     */
    long openDurationNanos(int consecutiveTrips) {
        if (openBackoffMultiplier == 1.0 || consecutiveTrips <= 1) {
            return resetTimeoutNanos;
        }
        double grown = resetTimeoutNanos * Math.pow(openBackoffMultiplier, consecutiveTrips - 1);
        return grown >= maxOpenNanos ? maxOpenNanos : (long) grown;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "operation=%s mode=%s consecutive=%d failureRate=%.1f%% slowRate=%.1f%% slow>=%dms window=%s/%d min=%d"
                        + " reset=%dms probes=%d maxWait=%dms backoff=x%.2f maxOpen=%dms %s %s",
                operation, mode, consecutiveFailureThreshold, failureRateThreshold, slowCallRateThreshold,
                TimeUnit.NANOSECONDS.toMillis(slowCallDurationNanos), windowType, windowSize, minimumCalls,
                TimeUnit.NANOSECONDS.toMillis(resetTimeoutNanos), halfOpenProbes,
                TimeUnit.NANOSECONDS.toMillis(halfOpenMaxWaitNanos), openBackoffMultiplier,
                TimeUnit.NANOSECONDS.toMillis(maxOpenNanos), exceptions, isolation);
    }
}
