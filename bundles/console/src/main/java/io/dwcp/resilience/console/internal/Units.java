package io.dwcp.resilience.console.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How figures are shown: latencies in milliseconds, ratios in percent, times in UTC. */
final class Units {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Units() {
    }

    /** @return nanoseconds as milliseconds with three significant decimals, e.g. {@code 0.412} */
    static String millis(long nanos) {
        return millis(nanos / 1e6);
    }

    /** @return a percentile of {@code l} in milliseconds, or '-' when no call was measured */
    static String latency(io.dwcp.resilience.api.metrics.LatencySnapshot l, long nanos) {
        return l.count() == 0 ? "-" : millis(nanos);
    }

    /** @return milliseconds, e.g. {@code 12.5} or {@code 0.041} */
    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** @return a ratio (0..1) in percent with two decimals, '-' for NaN */
    static String percent(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio * 100);
    }

    /** @return a figure: integers without decimals, others with up to three */
    static String number(Number n) {
        if (n == null) {
            return "-";
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "-";
        }
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte || d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    /** @return a rate in KiB/s with one decimal, e.g. {@code 812.4} */
    static String kibPerSecond(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond) || bytesPerSecond < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1024);
    }

    /** @return Mbit/s with one decimal, or {@code unknown} for a negative (never measured) figure */
    static String mbps(double mbps) {
        return Double.isNaN(mbps) || mbps < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", mbps);
    }

    /** @return a wall-clock time in UTC */
    static String time(long epochMillis) {
        return epochMillis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
