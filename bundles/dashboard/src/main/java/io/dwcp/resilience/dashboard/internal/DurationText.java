package io.dwcp.resilience.dashboard.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as an operator types them into the page: {@code 90s}, {@code 5m}, {@code 1h}, or ISO-8601
 * ({@code PT5M}). The same units as the configuration files.
 */
final class DurationText {

    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,9})\\s*(ms|s|m|h|d)\\s*");

    private DurationText() {
    }

    /**
     * @param field the form field, for the error message
     * @param text  what was typed
     * @return the duration, positive
     * @throws IllegalArgumentException naming the field, the value and what is expected
     */
    static Duration parsePositive(String field, String text) {
        Duration d = parse(field, text);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(field + " '" + text + "' must be positive");
        }
        return d;
    }

    private static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is missing: expected e.g. 30s, 5m or 1h");
        }
        Matcher m = TEXT.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text
                    + "' is not a duration: expected a whole number and a unit (ms, s, m, h, d), e.g. 5m, or ISO-8601 such as PT5M");
        }
    }

    /** @return a short text for a duration: {@code 4m 05s}, {@code 12s} */
    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) {
            return String.format("%dh %02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
