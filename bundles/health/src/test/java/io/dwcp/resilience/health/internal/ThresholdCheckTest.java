package io.dwcp.resilience.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdCheckTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private ThresholdCheck check(Map<String, Object> config) {
        return new ThresholdCheck(clock,
                ThresholdSettings.from(Configs.of("dwcp.health.threshold~t", config)));
    }

    /** Counts with the given failures, timeouts and rejections among {@code calls}; the rest succeeded. */
    private static CallCounts counts(long calls, long failures, long timeouts, long rejections) {
        return new CallCounts(calls, calls - failures - timeouts - rejections, failures, rejections, timeouts);
    }

    @Test
    void theDefaultBoundsTheSendErrorRateAtOnePercent() {
        ThresholdCheck check = check(Map.of());
        HealthResult ok = check.evaluate(counts(1_000, 5, 5, 0));
        assertEquals(HealthStatus.HEALTHY, ok.status(), ok.message());
        assertEquals("send error.rate 1.000% over 1000 calls <= 1.000%", ok.message());
        HealthResult bad = check.evaluate(counts(2_000, 10, 11, 0));
        assertEquals(HealthStatus.UNHEALTHY, bad.status());
        assertEquals("send error.rate 1.100% over 1000 calls > 1.000%", bad.message(), "judges only the calls since the last judgement");
    }

    @Test
    void rejectionsAreNotErrorsSoSheddingCannotKeepTheCheckUnhealthy() {
        ThresholdCheck check = check(Map.of("min_calls", 10L));
        HealthResult result = check.evaluate(counts(1_000, 1, 0, 900));
        assertEquals(HealthStatus.HEALTHY, result.status());
        assertEquals(100L, result.details().get("calls"));
        ThresholdCheck rejections = check(Map.of("metric", "rejection.rate", "threshold", 0.5, "min_calls", 10L));
        assertEquals(HealthStatus.UNHEALTHY, rejections.evaluate(counts(1_000, 1, 0, 900)).status());
    }

    @Test
    void tooFewCallsAreUnknownAndKeepAddingUpUntilThereAreEnough() {
        ThresholdCheck check = check(Map.of("min_calls", 100L));
        assertEquals(HealthStatus.UNKNOWN, check.evaluate(counts(60, 6, 0, 0)).status());
        HealthResult enough = check.evaluate(counts(120, 6, 0, 0));
        assertEquals(HealthStatus.UNHEALTHY, enough.status(), "6 errors over the 120 calls since the start: 5 %");
        assertEquals(120L, enough.details().get("calls"));
    }

    @Test
    void countersGoingBackStartAfresh() {
        ThresholdCheck check = check(Map.of("min_calls", 1L));
        check.evaluate(counts(1_000, 0, 0, 0));
        assertEquals(HealthStatus.UNKNOWN, check.evaluate(counts(10, 0, 0, 0)).status());
        assertEquals(HealthStatus.UNHEALTHY, check.evaluate(counts(20, 1, 0, 0)).status(), "1 error in the 10 calls after the reset");
    }

    @Test
    void theSystemCheckBoundsAllOperationsAtAPointOnePercent() {
        ThresholdCheck system = check(Map.of("operation", "*", "threshold", 0.001));
        HealthResult result = system.evaluate(counts(10_000, 8, 3, 0));
        assertEquals(HealthStatus.UNHEALTHY, result.status());
        assertEquals("system error.rate 0.110% over 10000 calls > 0.100%", result.message());
    }

    @Test
    void otherMetrics() {
        assertEquals(HealthStatus.HEALTHY, check(Map.of("metric", "failure.rate")).evaluate(counts(1_000, 5, 50, 0)).status());
        assertEquals(HealthStatus.UNHEALTHY, check(Map.of("metric", "timeout_rate")).evaluate(counts(1_000, 5, 50, 0)).status());
    }

    @Test
    void refusesBadSettingsNamingTheKey() {
        assertEquals("threshold", assertThrows(InvalidConfigurationException.class, () -> check(Map.of("threshold", 1.5))).key());
        assertEquals("threshold", assertThrows(InvalidConfigurationException.class, () -> check(Map.of("threshold", Double.NaN))).key());
        assertEquals("metric", assertThrows(InvalidConfigurationException.class, () -> check(Map.of("metric", "p99"))).key());
        assertEquals("operation", assertThrows(InvalidConfigurationException.class, () -> check(Map.of("operation", "Send!"))).key());
        assertEquals("min.calls", assertThrows(InvalidConfigurationException.class, () -> check(Map.of("min_calls", 0L))).key());
    }
}
