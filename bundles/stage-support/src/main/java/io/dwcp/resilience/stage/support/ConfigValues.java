package io.dwcp.resilience.stage.support;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed values out of a raw configuration dictionary and refuses bad ones with an
 * {@link InvalidConfigurationException} naming the PID, key, value and reason. Values may arrive as
 * their own type (typed {@code .config} files, ConfigAdmin API) or as strings ({@code .cfg} files).
 */
public final class ConfigValues {

    private final String pid;
    private final Map<String, ?> properties;

    public ConfigValues(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties;
    }

    public String pid() {
        return pid;
    }

    public InvalidConfigurationException refuse(String key, Object value, String reason) {
        return new InvalidConfigurationException(pid, key, value, reason);
    }

    /** @return the operation this configuration protects: a valid operation name or {@code *} */
    public String operation() {
        Object raw = properties.get(Stage.OPERATION);
        if (raw == null) {
            throw refuse(Stage.OPERATION, null, "required: an operation name or " + Stage.ANY_OPERATION);
        }
        String operation = raw.toString().trim();
        if (Stage.ANY_OPERATION.equals(operation)) {
            return operation;
        }
        try {
            return Operations.validate(operation);
        } catch (IllegalArgumentException e) {
            throw refuse(Stage.OPERATION, raw, e.getMessage());
        }
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else {
            try {
                value = Long.parseLong(raw.toString().trim());
            } catch (NumberFormatException e) {
                throw refuse(key, raw, "not a whole number");
            }
        }
        if (value < min || value > max) {
            throw refuse(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public double doubleValue(String key, double defaultValue, double min, double max) {
        Object raw = properties.get(key);
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
            throw refuse(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    public boolean booleanValue(String key, boolean defaultValue) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw instanceof Boolean) {
            return (Boolean) raw;
        }
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw refuse(key, raw, "must be true or false");
    }

    public String stringValue(String key, String defaultValue) {
        Object raw = properties.get(key);
        return raw == null ? defaultValue : raw.toString().trim();
    }

    /**
     * @return the value matched case-insensitively against the names of {@code type}, written with
     *         '-' or '_' between words
     */
    public <E extends Enum<E>> E enumValue(String key, E defaultValue, Class<E> type) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        String name = raw.toString().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw refuse(key, raw, "must be one of " + String.join(", ", allowed));
    }

    /**
     * A list-valued key: a comma-separated string (what a {@code .cfg} file can carry), a String[]
     * or a collection. Blank entries are dropped.
     */
    public List<String> listValue(String key) {
        Object raw = properties.get(key);
        List<String> values = new ArrayList<>();
        if (raw == null) {
            return values;
        }
        if (raw instanceof String[]) {
            for (String s : (String[]) raw) {
                addSplit(values, s);
            }
        } else if (raw instanceof Collection) {
            for (Object o : (Collection<?>) raw) {
                addSplit(values, String.valueOf(o));
            }
        } else {
            addSplit(values, raw.toString());
        }
        return values;
    }

    private static void addSplit(List<String> into, String text) {
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                into.add(trimmed);
            }
        }
    }
}
