package io.dwcp.resilience.slo.internal;

import java.time.Duration;

/**
 * One multi-window burn-rate alert: it fires when the long and the short window both spend the
 * budget at least {@code factor} times as fast as the objective allows.
 *
 * @param name        the alert's name in events and metrics
 * @param factor      the burn-rate threshold, above 0
 * @param longWindow  the long window
 * @param shortWindow the short window, shorter than the long one
 */
record BurnRateRule(String name, double factor, Duration longWindow, Duration shortWindow) {

    /** @return the default name, e.g. {@code 14.4x-1h} */
    static String defaultName(double factor, Duration longWindow) {
        String f = factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor);
        return f + "x-" + Durations.format(longWindow);
    }
}
