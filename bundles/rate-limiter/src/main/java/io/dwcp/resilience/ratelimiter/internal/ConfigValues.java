package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed values out of a raw configuration dictionary and refuses bad ones with an
 * {@link InvalidConfigurationException} that names the PID, the key, the value and the reason.
 *
 * <p>Settings are parsed from the raw dictionary rather than from the Metatype annotation
 * instance, because DS coerces an unparsable value silently to the default; an operator who typed
 * {@code rate = fast} must hear about it. Values may be numbers or strings (FileInstall
 * {@code .cfg} files deliver strings); a one-element array is read as its element.
 */
final class ConfigValues {

    /** Configuration key of the operation a component protects; also its service property. */
    static final String OPERATION = Stage.OPERATION;

    private final String pid;
    private final Map<String, ?> properties;

    ConfigValues(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties;
    }

    /** @return the operation name, or {@code *}; required */
    String operation() {
        Object raw = raw(OPERATION);
        if (raw == null) {
            throw refuse(OPERATION, null, "is required: an operation name such as send, or * for every operation");
        }
        String operation = raw.toString().trim();
        if (Stage.ANY_OPERATION.equals(operation)) {
            return operation;
        }
        try {
            return Operations.validate(operation);
        } catch (IllegalArgumentException e) {
            throw refuse(OPERATION, raw, e.getMessage());
        }
    }

    double decimal(String key, double defaultValue, double min, double max) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        double value;
        if (raw instanceof Number) {
            value = ((Number) raw).doubleValue();
        } else {
            try {
                value = Double.parseDouble(raw.toString().trim());
            } catch (NumberFormatException e) {
                throw refuse(key, raw, "not a number");
            }
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw refuse(key, raw, "must be a finite number");
        }
        if (value < min || value > max) {
            throw refuse(key, raw, "must be between " + plain(min) + " and " + plain(max));
        }
        return value;
    }

    /** A decimal that must be strictly above {@code exclusiveMin}. */
    double decimalAbove(String key, double defaultValue, double exclusiveMin, double max) {
        double value = decimal(key, defaultValue, Double.NEGATIVE_INFINITY, max);
        if (!(value > exclusiveMin)) {
            throw refuse(key, raw(key), "must be greater than " + plain(exclusiveMin));
        }
        return value;
    }

    int integer(String key, int defaultValue, int min, int max) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else {
            String text = raw.toString().trim();
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw refuse(key, raw, "not a whole number");
            }
        }
        if (value < min || value > max) {
            throw refuse(key, raw, "must be between " + min + " and " + max);
        }
        return (int) value;
    }

    /** A duration given in milliseconds (decimals allowed), returned in nanoseconds. */
    long millisAsNanos(String key, double defaultMillis, double minMillis, double maxMillis) {
        return Math.round(decimal(key, defaultMillis, minMillis, maxMillis) * 1_000_000.0);
    }

    String choice(String key, String defaultValue, String... allowed) {
        Object raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        String value = raw.toString().trim().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return candidate;
            }
        }
        throw refuse(key, raw, "must be one of " + String.join(", ", allowed));
    }

    InvalidConfigurationException refuse(String key, Object value, String reason) {
        return new InvalidConfigurationException(pid, key, value, reason);
    }

    private Object raw(String key) {
        Object raw = properties.get(key);
        if (raw instanceof Object[]) {
            Object[] array = (Object[]) raw;
            raw = array.length == 1 ? array[0] : (array.length == 0 ? null : raw);
            if (raw instanceof Object[]) {
                throw refuse(key, java.util.Arrays.toString(array), "must be a single value");
            }
        }
        if (raw instanceof String && ((String) raw).isBlank()) {
            return null;
        }
        return raw;
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
