package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses the {@code name:value} entries of a list-valued key (the kit splits the list).
 */
final class KeyValues {

    private KeyValues() {
    }

    /**
     * @param pid    the PID, for messages
     * @param key    the key, for messages
     * @param items  the entries of a list-valued key, as a typed view read them: {@code name:value} each
     * @param name   checks a name, throwing IllegalArgumentException with the reason
     * @param value  parses a value, throwing IllegalArgumentException with the reason
     * @param <V>    the value type
     * @return the pairs in order
     * @throws InvalidConfigurationException naming the item and the reason
     */
    static <V> Map<String, V> pairs(String pid, String key, String[] items, Function<String, String> name,
            Function<String, V> value) {
        String raw = String.join(",", items);
        Map<String, V> pairs = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new InvalidConfigurationException(pid, key, raw, "item '" + item + "' is not name:value");
            }
            String n;
            V v;
            try {
                n = name.apply(item.substring(0, colon).trim());
                v = value.apply(item.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(pid, key, raw, "item '" + item + "': " + e.getMessage());
            }
            if (pairs.put(n, v) != null) {
                throw new InvalidConfigurationException(pid, key, raw, "'" + n + "' is listed twice");
            }
        }
        return pairs;
    }
}
