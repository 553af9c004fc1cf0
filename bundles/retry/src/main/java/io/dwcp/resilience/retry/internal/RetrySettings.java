package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A validated retry configuration. {@link #from} is the only way in from a configuration
 * dictionary; it refuses a bad value with an {@code InvalidConfigurationException} naming the PID,
 * key, value and reason.
 *
 * @param operation               the operation protected, or {@code *}
 * @param maxRetries              retries after the first attempt
 * @param backoffPreset           the growth law of the delay
 * @param initialDelayNanos       the delay before the first retry
 * @param maxDelayNanos           the cap of every delay
 * @param multiplier              the exponential growth factor
 * @param incrementNanos          the linear growth step
 * @param jitter                  how the delay is randomised
 * @param jitterFactor            the proportional jitter's relative spread
 * @param exceptionRules          which exceptions are retried
 * @param resultRules             which results are retried
 * @param resultPredicate         the name of a result predicate service, or empty
 * @param budgetEnabled           whether the retry budget applies
 * @param budgetRatio             retries allowed per call over the window
 * @param budgetMinRetriesPerSecond retries always allowed per second
 * @param budgetWindowNanos       the budget's sliding window
 */
record RetrySettings(String operation, int maxRetries, BackoffPreset backoffPreset, long initialDelayNanos,
        long maxDelayNanos, double multiplier, long incrementNanos, Jitter jitter, double jitterFactor,
        ExceptionRules exceptionRules, ResultRules resultRules, String resultPredicate, boolean budgetEnabled,
        double budgetRatio, double budgetMinRetriesPerSecond, long budgetWindowNanos) implements ConfiguredComponent.Scoped {

    static final int DEFAULT_MAX_RETRIES = 3;
    static final String DEFAULT_BACKOFF = "exponential";
    static final long DEFAULT_INITIAL_DELAY_MS = 100;
    static final long DEFAULT_MAX_DELAY_MS = 5_000;
    static final double DEFAULT_MULTIPLIER = 2.0;
    static final long DEFAULT_INCREMENT_MS = 100;
    static final String DEFAULT_JITTER = "proportional";
    static final double DEFAULT_JITTER_FACTOR = 0.1;
    static final boolean DEFAULT_BUDGET_ENABLED = true;
    static final double DEFAULT_BUDGET_RATIO = 0.2;
    static final double DEFAULT_BUDGET_MIN_RETRIES_PER_SECOND = 3.0;
    static final long DEFAULT_BUDGET_WINDOW_MS = 10_000;

    static final String MAX_RETRIES = "max.retries";
    static final String BACKOFF = "backoff";
    static final String INITIAL_DELAY_MS = "initial.delay.ms";
    static final String MAX_DELAY_MS = "max.delay.ms";
    static final String MULTIPLIER = "multiplier";
    static final String INCREMENT_MS = "increment.ms";
    static final String JITTER = "jitter";
    static final String JITTER_FACTOR = "jitter.factor";
    static final String RETRY_EXCEPTIONS = "retry.exceptions";
    static final String IGNORE_EXCEPTIONS = "ignore.exceptions";
    static final String RETRY_ON_RESULTS = "retry.on.results";
    static final String RESULT_PREDICATE = "result.predicate";
    static final String BUDGET_ENABLED = "budget.enabled";
    static final String BUDGET_RATIO = "budget.ratio";
    static final String BUDGET_MIN_RETRIES_PER_SECOND = "budget.min.retries.per.second";
    static final String BUDGET_WINDOW_MS = "budget.window.ms";

    /** Upper bound of {@code max.retries}: beyond it a retry policy is a busy loop. */
    static final int MAX_MAX_RETRIES = 100;
    /** Upper bound of every delay: one hour. */
    static final long MAX_DELAY_BOUND_MS = TimeUnit.HOURS.toMillis(1);

    /**
     * @param pid        the configuration PID, named in every refusal
     * @param properties the configuration dictionary
     * @return the validated settings
     * @throws io.dwcp.resilience.api.InvalidConfigurationException for the first bad value
     */
    static RetrySettings from(String pid, Map<String, ?> properties) {
        return from(new ConfigReader(pid, properties));
    }

    /** @return the settings {@code c} describes; see {@link #from(String, Map)} */
    static RetrySettings from(ConfigReader c) {
        String pid = c.pid();
        String operation = c.operation();
        int maxRetries = c.intValue(MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, MAX_MAX_RETRIES);
        BackoffPreset preset = c.enumValue(BACKOFF, BackoffPreset.valueOf(DEFAULT_BACKOFF.toUpperCase(java.util.Locale.ROOT)), BackoffPreset.class);
        long initialMs = c.longValue(INITIAL_DELAY_MS, DEFAULT_INITIAL_DELAY_MS, 0, MAX_DELAY_BOUND_MS);
        long maxMs = c.longValue(MAX_DELAY_MS, Math.max(DEFAULT_MAX_DELAY_MS, initialMs), 0, MAX_DELAY_BOUND_MS);
        if (maxMs < initialMs) {
            throw c.refuse(MAX_DELAY_MS, maxMs,
                    "must not be less than " + INITIAL_DELAY_MS + " (" + initialMs + ")");
        }
        double multiplier = c.doubleValue(MULTIPLIER, DEFAULT_MULTIPLIER, 1.0, 100.0);
        long incrementMs = c.longValue(INCREMENT_MS, DEFAULT_INCREMENT_MS, 0, MAX_DELAY_BOUND_MS);
        Jitter jitter = c.enumValue(JITTER, Jitter.valueOf(DEFAULT_JITTER.toUpperCase(java.util.Locale.ROOT)), Jitter.class);
        double jitterFactor = c.doubleValue(JITTER_FACTOR, DEFAULT_JITTER_FACTOR, 0.0, 1.0);
        List<String> retryExceptions = List.copyOf(c.classNames(RETRY_EXCEPTIONS, ""));
        List<String> ignoreExceptions = List.copyOf(c.classNames(IGNORE_EXCEPTIONS, ""));
        for (String name : retryExceptions) {
            if (ignoreExceptions.contains(name)) {
                throw c.refuse(RETRY_EXCEPTIONS, name, "is also listed in " + IGNORE_EXCEPTIONS);
            }
        }
        ResultRules resultRules = ResultRules.parse(pid, RETRY_ON_RESULTS, c.list(RETRY_ON_RESULTS));
        String resultPredicate = c.string(RESULT_PREDICATE, "");
        boolean budgetEnabled = c.booleanValue(BUDGET_ENABLED, DEFAULT_BUDGET_ENABLED);
        double budgetRatio = c.doubleValue(BUDGET_RATIO, DEFAULT_BUDGET_RATIO, 0.0, 100.0);
        double budgetMin = c.doubleValue(BUDGET_MIN_RETRIES_PER_SECOND, DEFAULT_BUDGET_MIN_RETRIES_PER_SECOND, 0.0, 1e6);
        long budgetWindowMs = c.longValue(BUDGET_WINDOW_MS, DEFAULT_BUDGET_WINDOW_MS, 100, TimeUnit.HOURS.toMillis(1));
        return new RetrySettings(operation, maxRetries, preset, TimeUnit.MILLISECONDS.toNanos(initialMs),
                TimeUnit.MILLISECONDS.toNanos(maxMs), multiplier, TimeUnit.MILLISECONDS.toNanos(incrementMs), jitter,
                jitterFactor, new ExceptionRules(retryExceptions, ignoreExceptions), resultRules, resultPredicate,
                budgetEnabled, budgetRatio, budgetMin, TimeUnit.MILLISECONDS.toNanos(budgetWindowMs));
    }

    /** @return the backoff these settings describe */
    Backoff backoff() {
        return backoffPreset.create(initialDelayNanos, maxDelayNanos, multiplier, incrementNanos);
    }

    /** @return whether {@code other} describes the same retry budget, so a live one can be kept */
    boolean sameBudgetAs(RetrySettings other) {
        return other != null && budgetEnabled == other.budgetEnabled && budgetRatio == other.budgetRatio
                && budgetMinRetriesPerSecond == other.budgetMinRetriesPerSecond
                && budgetWindowNanos == other.budgetWindowNanos;
    }
}
