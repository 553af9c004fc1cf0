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
 * The validated settings of one circuit breaker. Built only through {@link #from(ConfigReader)},
 * which refuses a bad value with an {@link InvalidConfigurationException} naming PID, key, value
 * and reason; the defaults here are the single source of the Metatype defaults too.
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

    // Keys. The Metatype Config's method names map to exactly these.
    static final String OPERATION = Stage.OPERATION;
    static final String MODE = "mode";
    static final String CONSECUTIVE = "failure.consecutive.threshold";
    static final String FAILURE_RATE = "failure.rate.threshold";
    static final String SLOW_RATE = "slow.call.rate.threshold";
    static final String SLOW_DURATION = "slow.call.duration.ms";
    static final String WINDOW_TYPE = "window.type";
    static final String WINDOW_SIZE = "window.size";
    static final String MINIMUM_CALLS = "window.minimum.calls";
    static final String RESET_TIMEOUT = "reset.timeout.ms";
    static final String PROBES = "half.open.probes";
    static final String MAX_WAIT = "half.open.max.wait.ms";
    static final String BACKOFF = "open.backoff.multiplier";
    static final String MAX_OPEN = "open.max.duration.ms";
    static final String RECORD = "record.exceptions";
    static final String IGNORE = "ignore.exceptions";

    // Defaults: the DWCP specification's values for `send` (5 consecutive failures, 60 s reset
    // timeout, 30 s slow-call duration) and Resilience4j-like values for what it leaves open.
    static final String DEFAULT_MODE = "NORMAL";
    static final int DEFAULT_CONSECUTIVE = 5;
    static final double DEFAULT_FAILURE_RATE = 50.0;
    static final double DEFAULT_SLOW_RATE = 50.0;
    static final long DEFAULT_SLOW_DURATION_MS = 30_000;
    static final String DEFAULT_WINDOW_TYPE = "COUNT";
    static final int DEFAULT_WINDOW_SIZE = 100;
    static final int DEFAULT_MINIMUM_CALLS = 20;
    static final long DEFAULT_RESET_TIMEOUT_MS = 60_000;
    static final int DEFAULT_PROBES = 3;
    static final long DEFAULT_MAX_WAIT_MS = 60_000;
    static final double DEFAULT_BACKOFF = 1.0;
    static final long DEFAULT_MAX_OPEN_MS = 600_000;
    static final String DEFAULT_RECORD = "";
    static final String DEFAULT_IGNORE = "java.lang.InterruptedException";

    static final int MAX_COUNT_WINDOW = 100_000;
    static final int MAX_TIME_WINDOW_SECONDS = 3_600;
    static final long MAX_DURATION_MS = TimeUnit.DAYS.toMillis(7);

    /** Whether configuration forces a manual-only state. */
    public enum Mode { NORMAL, DISABLED, FORCED_OPEN, METRICS_ONLY }

    /** The kind of sliding window the rate rules look at. */
    public enum WindowType { COUNT, TIME }

    /** @return the defaults for {@code operation} */
    public static CircuitBreakerSettings defaults(String operation) {
        return from(new ConfigReader(PID, Map.of(OPERATION, operation)));
    }

    /**
     * Validates a configuration.
     *
     * @param in the configuration
     * @return the settings
     * @throws InvalidConfigurationException for the first bad value found
     */
    public static CircuitBreakerSettings from(ConfigReader in) {
        String operation = in.operation();
        Mode mode = in.enumValue(MODE, Mode.valueOf(DEFAULT_MODE), Mode.class);
        int consecutive = in.intValue(CONSECUTIVE, DEFAULT_CONSECUTIVE, 0, 1_000_000);
        double failureRate = in.percent(FAILURE_RATE, DEFAULT_FAILURE_RATE);
        double slowRate = in.percent(SLOW_RATE, DEFAULT_SLOW_RATE);
        long slowMs = in.longValue(SLOW_DURATION, DEFAULT_SLOW_DURATION_MS, 1, MAX_DURATION_MS);
        WindowType windowType = in.enumValue(WINDOW_TYPE, WindowType.valueOf(DEFAULT_WINDOW_TYPE), WindowType.class);
        int windowSize = windowType == WindowType.COUNT
                ? in.intValue(WINDOW_SIZE, DEFAULT_WINDOW_SIZE, 1, MAX_COUNT_WINDOW)
                : in.intValue(WINDOW_SIZE, DEFAULT_WINDOW_SIZE, 1, MAX_TIME_WINDOW_SECONDS);
        int minimumCalls = in.intValue(MINIMUM_CALLS, DEFAULT_MINIMUM_CALLS, 1, Integer.MAX_VALUE);
        if (windowType == WindowType.COUNT && minimumCalls > windowSize) {
            throw in.refuse(MINIMUM_CALLS, minimumCalls,
                    "greater than " + WINDOW_SIZE + "=" + windowSize + ": a count window never holds that many calls");
        }
        long resetMs = in.longValue(RESET_TIMEOUT, DEFAULT_RESET_TIMEOUT_MS, 1, MAX_DURATION_MS);
        int probes = in.intValue(PROBES, DEFAULT_PROBES, 1, 10_000);
        long maxWaitMs = in.longValue(MAX_WAIT, DEFAULT_MAX_WAIT_MS, 0, MAX_DURATION_MS);
        double backoff = in.doubleValue(BACKOFF, DEFAULT_BACKOFF, 1.0, 100.0);
        long maxOpenMs = in.longValue(MAX_OPEN, DEFAULT_MAX_OPEN_MS, 1, MAX_DURATION_MS);
        if (maxOpenMs < resetMs) {
            throw in.refuse(MAX_OPEN, maxOpenMs,
                    "less than " + RESET_TIMEOUT + "=" + resetMs + ": the grown open time cannot be shorter than the first");
        }
        Set<String> record = in.classNames(RECORD, DEFAULT_RECORD);
        Set<String> ignore = in.classNames(IGNORE, DEFAULT_IGNORE);
        for (String name : record) {
            if (ignore.contains(name)) {
                throw in.refuse(RECORD, name, "also listed in " + IGNORE);
            }
        }
        if (mode == Mode.NORMAL && consecutive == 0 && failureRate == 0.0 && slowRate == 0.0) {
            throw in.refuse(CONSECUTIVE, 0, "every trip rule is off ("
                    + FAILURE_RATE + " and " + SLOW_RATE + " are 0 too), so the breaker could never open;"
                    + " set mode=METRICS_ONLY to measure without tripping");
        }
        return new CircuitBreakerSettings(operation, mode, consecutive, failureRate, slowRate,
                TimeUnit.MILLISECONDS.toNanos(slowMs), windowType, windowSize, minimumCalls,
                TimeUnit.MILLISECONDS.toNanos(resetMs), probes, TimeUnit.MILLISECONDS.toNanos(maxWaitMs), backoff,
                TimeUnit.MILLISECONDS.toNanos(maxOpenMs), new ExceptionClassifier(record, ignore), Isolation.read(in));
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
