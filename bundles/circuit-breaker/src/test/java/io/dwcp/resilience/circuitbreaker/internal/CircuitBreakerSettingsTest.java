package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.circuitbreaker.internal.TestSupport.PID;
import static io.dwcp.resilience.circuitbreaker.internal.TestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.List;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CircuitBreakerSettingsTest {

    @Test
    void theDefaultsAreTheSpecifiedOnesForSend() {
        CircuitBreakerSettings s = settings();
        assertEquals("send", s.operation());
        assertEquals(CircuitBreakerSettings.Mode.NORMAL, s.mode());
        assertEquals(5, s.consecutiveFailureThreshold());
        assertEquals(TimeUnit.SECONDS.toNanos(60), s.resetTimeoutNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(30), s.slowCallDurationNanos());
        assertEquals(CircuitBreakerSettings.WindowType.COUNT, s.windowType());
        assertEquals(Set.of("java.lang.InterruptedException"), s.exceptions().ignore());
        assertEquals(Set.of(), s.exceptions().record());
    }

    @Test
    void fileInstallTextValuesAreParsed() {
        CircuitBreakerSettings s = settings("failure.consecutive.threshold", "7", "failure.rate.threshold", " 25.5 ",
                "window.type", "time", "window.size", "30", "mode", "metrics-only",
                "record.exceptions", "java.io.IOException, java.util.concurrent.TimeoutException");
        assertEquals(7, s.consecutiveFailureThreshold());
        assertEquals(25.5, s.failureRateThreshold());
        assertEquals(CircuitBreakerSettings.WindowType.TIME, s.windowType());
        assertEquals(30, s.windowSize());
        assertEquals(CircuitBreakerSettings.Mode.METRICS_ONLY, s.mode());
        assertEquals(Set.of("java.io.IOException", "java.util.concurrent.TimeoutException"), s.exceptions().record());
    }

    @Test
    void typedConfigurationValuesAreAccepted() {
        CircuitBreakerSettings s = settings("failure.consecutive.threshold", 3, "reset.timeout.ms", 1500L,
                "ignore.exceptions", new String[] { "java.lang.IllegalStateException" },
                "record.exceptions", List.of("java.io.IOException"));
        assertEquals(3, s.consecutiveFailureThreshold());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), s.resetTimeoutNanos());
        assertEquals(Set.of("java.lang.IllegalStateException"), s.exceptions().ignore());
        assertEquals(Set.of("java.io.IOException"), s.exceptions().record());
    }

    @ParameterizedTest(name = "{0}={1} is refused: {2}")
    @CsvSource(delimiter = '|', value = {
        "failure.consecutive.threshold | -1     | must be between 0 and",
        "failure.consecutive.threshold | five   | not a whole number",
        "failure.rate.threshold        | NaN    | must be a finite number",
        "failure.rate.threshold        | -5     | must be between 0 and 100",
        "failure.rate.threshold        | 101    | must be between 0 and 100",
        "slow.call.rate.threshold      | Infinity | must be a finite number",
        "slow.call.duration.ms         | 0      | must be between 1 and",
        "window.type                   | RING   | must be one of COUNT, TIME",
        "window.size                   | 0      | must be between 1 and",
        "window.size                   | 100001 | and 100000",
        "window.minimum.calls          | 101    | greater than window.size=100",
        "reset.timeout.ms              | -60000 | must be between 1 and",
        "half.open.probes              | 0      | must be between 1 and",
        "half.open.max.wait.ms         | -1     | must be between 0 and",
        "open.backoff.multiplier       | 0.5    | must be between 1 and 100",
        "open.max.duration.ms          | 1000   | less than reset.timeout.ms=60000",
        "mode                          | HALF   | must be one of NORMAL, DISABLED, FORCED_OPEN, METRICS_ONLY",
        "dwcp.operation                | SEND!  | invalid operation name",
        "record.exceptions             | java.io.IOException;x | not a Java class name",
    })
    void aBadValueIsRefusedNamingPidKeyValueAndReason(String key, String value, String reason) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> settings(key, value));
        assertEquals(PID, e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().startsWith("configuration " + PID + " refused: " + key + "="), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().endsWith("the previous configuration stays in force"), e.getMessage());
    }

    @Test
    void aTimeWindowMayNeedMoreCallsThanItHasSeconds() {
        CircuitBreakerSettings s = settings("window.type", "TIME", "window.size", 10, "window.minimum.calls", 500);
        assertEquals(500, s.minimumCalls());
        assertThrows(InvalidConfigurationException.class, () -> settings("window.type", "TIME", "window.size", 3601));
    }

    @Test
    void aBreakerWithoutAnyTripRuleIsRefusedUnlessItOnlyMeasures() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> settings(
                "failure.consecutive.threshold", 0, "failure.rate.threshold", 0, "slow.call.rate.threshold", 0));
        assertTrue(e.getMessage().contains("could never open"), e.getMessage());
        settings("failure.consecutive.threshold", 0, "failure.rate.threshold", 0, "slow.call.rate.threshold", 0,
                "mode", "METRICS_ONLY");
    }

    @Test
    void aClassBothRecordedAndIgnoredIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> settings("record.exceptions", "java.io.IOException", "ignore.exceptions", "java.io.IOException"));
        assertEquals("record.exceptions", e.key());
    }

    @Test
    void anOperationIsOptionalAndDefaultsToAll() {
        assertEquals("*", CircuitBreakerSettings.from(new ConfigReader(PID, Map.of())).operation());
    }
}
