package io.dwcp.resilience.console.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators type them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1h30m}, {@code 2d}. */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param text what the operator typed
     * @param what the option it is for, named in the error
     * @return the positive duration
     * @throws UsageException naming the option, the value and the accepted forms
     */
    static Duration parse(String text, String what) {
        if (text == null || text.isEmpty()) {
            throw new UsageException(what + " needs a duration such as 30s, 5m or 1h");
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new UsageException(what + " '" + text + "' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h, 1h30m");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            at = m.end();
        }
        if (total.isZero()) {
            throw new UsageException(what + " '" + text + "' must be longer than zero");
        }
        return total;
    }

    /** @return a short form, e.g. {@code 5m}, {@code 1h30m}, {@code 250ms} */
    static String format(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "0s";
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = (d.toMillis() + 500) / 1000;
        StringBuilder b = new StringBuilder();
        long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
        if (days > 0) {
            b.append(days).append('d');
        }
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (minutes > 0) {
            b.append(minutes).append('m');
        }
        if (seconds > 0 || b.length() == 0) {
            b.append(seconds).append('s');
        }
        return b.toString();
    }
}
