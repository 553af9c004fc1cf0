package io.dwcp.resilience.retry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetrySettingsTest {

    private static final String PID = "dwcp.retry~send";

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void theDefaultsAreTheSpecifiedSendDefaults() {
        RetrySettings s = RetrySettings.from(PID, config());
        assertEquals(3, s.maxRetries());
        assertEquals(BackoffPreset.EXPONENTIAL, s.backoffPreset());
        assertEquals(100_000_000L, s.initialDelayNanos());
        assertEquals(5_000_000_000L, s.maxDelayNanos());
        assertEquals(2.0, s.config().multiplier());
        assertEquals(Jitter.PROPORTIONAL, s.jitter());
        assertEquals(0.1, s.jitterFactor());
        assertTrue(s.config().budget_enabled());
        assertEquals(0.2, s.config().budget_ratio());
        assertEquals(3.0, s.config().budget_min_retries_per_second());
    }

    @Test
    void typedValuesAreAcceptedAsWellAsStrings() {
        Map<String, Object> properties = config();
        properties.put("max.retries", 5);
        properties.put("multiplier", 1.5d);
        properties.put("budget.enabled", Boolean.FALSE);
        properties.put("retry.exceptions", new String[] {"java.io.IOException", "java.net.SocketException, java.lang.IllegalStateException"});
        RetrySettings s = RetrySettings.from(PID, properties);
        assertEquals(5, s.maxRetries());
        assertEquals(1.5, s.config().multiplier());
        assertEquals(false, s.config().budget_enabled());
        assertTrue(s.exceptionRules().toString().contains("java.net.SocketException"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "max.retries|-1|must be between",
        "max.retries|three|not a whole number",
        "initial.delay.ms|-5|must be between",
        "multiplier|NaN|finite",
        "multiplier|0.5|must be between",
        "jitter.factor|1.5|must be between",
        "budget.ratio|-0.1|must be between",
        "budget.min.retries.per.second|Infinity|finite",
        "backoff|quadratic|must be one of exponential, linear, fibonacci, fixed",
        "jitter|gaussian|must be one of",
        "budget.enabled|maybe|true or false",
        "retry.on.results|nothing|unknown result rule",
        "dwcp.operation|SEND!|invalid operation name",
    })
    void aBadValueIsRefusedNamingPidKeyValueAndReason(String key, String value, String reason) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RetrySettings.from(PID, config(key, value)));
        assertEquals(PID, e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(PID) && e.getMessage().contains(key + "=") && e.getMessage().contains(reason),
                e.getMessage());
    }

    @Test
    void aMaximumBelowTheInitialDelayIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RetrySettings.from(PID, config("initial.delay.ms", "500", "max.delay.ms", "100")));
        assertEquals("max.delay.ms", e.key());
        assertTrue(e.getMessage().contains("initial.delay.ms"), e.getMessage());
    }

    @Test
    void anExceptionBothRetriedAndIgnoredIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RetrySettings.from(PID, config("retry.exceptions", "java.io.IOException",
                        "ignore.exceptions", "java.io.IOException")));
        assertEquals("retry.exceptions", e.key());
    }

    @Test
    void withoutAnOperationTheStageServesEveryOperationAsEveryStageDoes() {
        assertEquals("*", RetrySettings.from(PID, new HashMap<>()).operation());
    }

    @Test
    void aStarOperationServesAll() {
        assertEquals("*", RetrySettings.from(PID, config("dwcp.operation", "*")).operation());
    }
}
