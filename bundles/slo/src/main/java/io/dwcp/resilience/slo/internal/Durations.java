package io.dwcp.resilience.slo.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in configuration: a whole number and a unit, {@code 500ms},
 * {@code 10s}, {@code 5m}, {@code 6h}, {@code 30d}; {@code 0} alone means zero.
 */
final class Durations {

    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,12})\\s*(ms|s|m|h|d)\\s*");

    private Durations() {
    }

    /**
     * @param text a duration such as {@code 5m}
     * @return the duration
     * @throws IllegalArgumentException saying what is expected
     */
    static Duration parse(String text) {
        if (text != null && text.trim().equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = text == null ? null : TEXT.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a whole number and a unit (ms, s, m, h, d), e.g. 5m or 30d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    /**
     * @param d a duration
     * @return its shortest exact text in the units {@link #parse} reads
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
