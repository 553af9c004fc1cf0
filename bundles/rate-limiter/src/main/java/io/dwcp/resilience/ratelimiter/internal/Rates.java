package io.dwcp.resilience.ratelimiter.internal;

import java.util.Locale;

/** Formatting of rates and durations. */
final class Rates {

    private Rates() {
    }

    /** @return a rate or limit with at most two decimals, e.g. {@code 950} or {@code 2.5} */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** @return nanoseconds as milliseconds with one decimal, e.g. {@code 12.5 ms} */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1_000_000.0);
    }
}
