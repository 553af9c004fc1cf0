package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bounds a rate of the manager's counters. The manager counts since it started; a rate over its
 * whole life would hardly move, so the check judges the calls since its last judgement (one interval
 * at normal traffic), and waits for at least {@code min.calls} of them, so that one failure among
 * three calls does not read as 33 %.
 */
final class ThresholdCheck {

    private final TimeSource clock;
    private final ThresholdSettings settings;
    private CallCounts baseline = CallCounts.ZERO;

    ThresholdCheck(TimeSource clock, ThresholdSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    ThresholdSettings settings() {
        return settings;
    }

    /**
     * @param current the counters now
     * @return the judgement of the calls since the last judgement
     */
    synchronized HealthResult evaluate(CallCounts current) {
        CallCounts delta = current.minus(baseline);
        if (delta.anyNegative()) {
            baseline = current;
            return result(HealthStatus.UNKNOWN, "the call counters went back (manager restarted); measuring afresh", Map.of());
        }
        ThresholdMetric metric = settings.metric();
        long calls = metric.denominator(delta);
        String subject = (settings.operation().equals("*") ? "system" : settings.operation()) + " " + metric.key();
        if (calls < settings.minCalls()) {
            return result(HealthStatus.UNKNOWN, subject + ": " + calls + " calls so far, " + settings.minCalls()
                    + " needed to judge", Map.of("calls", calls));
        }
        baseline = current;
        double rate = (double) metric.numerator(delta) / calls;
        boolean over = rate > settings.threshold();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rate", rate);
        details.put("threshold", settings.threshold());
        details.put("calls", calls);
        String message = String.format(Locale.ROOT, "%s %s over %d calls %s %s", subject, percent(rate), calls,
                over ? ">" : "<=", percent(settings.threshold()));
        return result(over ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY, message, details);
    }

    private HealthResult result(HealthStatus status, String message, Map<String, Object> details) {
        return new HealthResult(status, message, details, clock.currentTimeMillis());
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.3f%%", rate * 100);
    }
}
