package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.ConfigReader;
import java.util.Locale;
import java.util.Map;

/** Formatting of rates and durations, and the few readings the kit's {@link ConfigReader} has no word for. */
final class Rates {

    private Rates() {
    }

    /**
     * @return the defaults of a Metatype {@code @interface}, read through the kit: the Metatype is the
     *         one place a default is written
     */
    static <A> A defaults(String pid, Class<A> metatype) {
        return new ConfigReader(pid, Map.of()).typed(metatype);
    }

    /** @return a duration given in (decimal) milliseconds, in {@code [minMs, maxMs]}, as nanoseconds */
    static long nanos(ConfigReader in, String key, double defaultMs, double minMs, double maxMs) {
        return Math.round(in.doubleValue(key, defaultMs, minMs, maxMs) * 1e6);
    }

    /** @return a number in {@code (exclusiveMin, max]} */
    static double above(ConfigReader in, String key, double defaultValue, double exclusiveMin, double max) {
        double value = in.doubleValue(key, defaultValue, -Double.MAX_VALUE, max);
        if (!(value > exclusiveMin)) {
            throw in.refuse(key, value, "must be greater than " + format(exclusiveMin));
        }
        return value;
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
