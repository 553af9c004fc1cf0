package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import java.util.Map;

/**
 * Reads typed values out of a raw configuration dictionary and refuses bad ones with an
 * {@link InvalidConfigurationException} naming the PID, the key, the value and the reason.
 *
 * <p>Values are read from the raw dictionary rather than through DS component property types
 * because FileInstall delivers every value as a String, and a coercion failure there would surface
 * as an exception that names neither the key nor the value.
 */
final class ConfigValues {

    /** The configuration property that names the operation a bulkhead protects. */
    static final String OPERATION = Stage.OPERATION;

    private static final String SERVICE_PID = "service.pid";

    private final String pid;
    private final Map<String, ?> properties;

    /**
     * @param factoryPid the factory PID, used in messages when the dictionary carries no {@code service.pid}
     * @param properties the configuration dictionary (component properties)
     */
    ConfigValues(String factoryPid, Map<String, ?> properties) {
        Object servicePid = properties.get(SERVICE_PID);
        this.pid = servicePid instanceof String ? (String) servicePid : factoryPid;
        this.properties = properties;
    }

    /** @return the PID named in refusals: the factory configuration's own PID when known */
    String pid() {
        return pid;
    }

    /**
     * @return the operation this configuration is for: a valid operation name or {@link Stage#ANY_OPERATION}
     * @throws InvalidConfigurationException when absent, not a single string, or not a valid name
     */
    String operation() {
        Object raw = properties.get(OPERATION);
        if (raw == null) {
            throw new InvalidConfigurationException(pid, OPERATION, null,
                    "required: the operation this bulkhead protects (e.g. send), or * for every operation");
        }
        if (!(raw instanceof String)) {
            throw new InvalidConfigurationException(pid, OPERATION, describe(raw),
                    "must be one operation name or *; use one configuration per operation");
        }
        String operation = ((String) raw).trim();
        if (Stage.ANY_OPERATION.equals(operation)) {
            return operation;
        }
        try {
            return Operations.validate(operation);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, OPERATION, raw, e.getMessage());
        }
    }

    /**
     * @param key          the key
     * @param defaultValue the value when the key is absent
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     * @return the value
     * @throws InvalidConfigurationException when not an integer or out of bounds
     */
    int intIn(String key, int defaultValue, int min, int max) {
        return (int) longIn(key, defaultValue, min, max);
    }

    /**
     * @param key          the key
     * @param defaultValue the value when the key is absent
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     * @return the value
     * @throws InvalidConfigurationException when not an integer or out of bounds
     */
    long longIn(String key, long defaultValue, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else if (raw instanceof String) {
            try {
                value = Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(pid, key, describe(raw), "not an integer");
            }
        } else {
            throw new InvalidConfigurationException(pid, key, describe(raw),
                    "not an integer (found " + raw.getClass().getSimpleName() + ")");
        }
        if (value < min || value > max) {
            throw new InvalidConfigurationException(pid, key, value, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static String describe(Object raw) {
        if (raw instanceof Object[]) {
            return java.util.Arrays.toString((Object[]) raw);
        }
        return raw instanceof String ? "'" + raw + "'" : String.valueOf(raw);
    }
}
