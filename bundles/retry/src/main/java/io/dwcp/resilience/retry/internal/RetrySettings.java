package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A validated retry configuration: {@link RetryConfig} read and bounded by the kit (defaults and
 * bounds are the Metatype's), the rules across keys, and what the retrier needs derived from it.
 *
 * @param config          the configuration's values
 * @param backoffPreset   the growth law of the delay
 * @param jitter          how the delay is randomised
 * @param exceptionRules  which exceptions are retried
 * @param resultRules     which results are retried
 */
record RetrySettings(RetryConfig config, BackoffPreset backoffPreset, Jitter jitter, ExceptionRules exceptionRules,
        ResultRules resultRules) implements ConfiguredComponent.Scoped {

    /** @return the settings of a configuration dictionary; refuses a bad value naming PID, key, value and reason */
    static RetrySettings from(String pid, Map<String, ?> properties) {
        return from(new ConfigReader(pid, properties));
    }

    /** @return the settings {@code c} describes; see {@link #from(String, Map)} */
    static RetrySettings from(ConfigReader c) {
        RetryConfig config = c.typed(RetryConfig.class);
        if (config.max_delay_ms() < config.initial_delay_ms() && c.has("max.delay.ms")) {
            throw c.refuse("max.delay.ms", config.max_delay_ms(),
                    "must not be less than initial.delay.ms (" + config.initial_delay_ms() + ")");
        }
        List<String> retry = List.copyOf(c.classNames("retry.exceptions", config.retry_exceptions()));
        List<String> ignore = List.copyOf(c.classNames("ignore.exceptions", config.ignore_exceptions()));
        for (String name : retry) {
            if (ignore.contains(name)) {
                throw c.refuse("retry.exceptions", name, "is also listed in ignore.exceptions");
            }
        }
        return new RetrySettings(config, ConfigReader.constant(BackoffPreset.class, config.backoff()),
                ConfigReader.constant(Jitter.class, config.jitter()), new ExceptionRules(retry, ignore),
                ResultRules.parse(c.pid(), "retry.on.results", List.of(config.retry_on_results())));
    }

    @Override
    public String operation() {
        return config.dwcp_operation();
    }

    int maxRetries() {
        return config.max_retries();
    }

    double jitterFactor() {
        return config.jitter_factor();
    }

    String resultPredicate() {
        return config.result_predicate();
    }

    /** @return the delay before the first retry */
    long initialDelayNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.initial_delay_ms());
    }

    /** @return the cap of every delay: not below the initial delay when only that was configured */
    long maxDelayNanos() {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(config.max_delay_ms(), config.initial_delay_ms()));
    }

    /** @return the backoff these settings describe */
    Backoff backoff() {
        return backoffPreset.create(initialDelayNanos(), maxDelayNanos(), config.multiplier(),
                TimeUnit.MILLISECONDS.toNanos(config.increment_ms()));
    }

    /** @return the retry budget these settings describe, or {@code null} when it is off */
    RetryBudget budget() {
        return config.budget_enabled() ? new RetryBudget(config.budget_ratio(), config.budget_min_retries_per_second(),
                TimeUnit.MILLISECONDS.toNanos(config.budget_window_ms())) : null;
    }

    /** @return whether {@code other} describes the same retry budget, so a live one can be kept */
    boolean sameBudgetAs(RetrySettings other) {
        return other != null && config.budget_enabled() == other.config.budget_enabled()
                && config.budget_ratio() == other.config.budget_ratio()
                && config.budget_min_retries_per_second() == other.config.budget_min_retries_per_second()
                && config.budget_window_ms() == other.config.budget_window_ms();
    }
}
