package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses the list-valued keys that .cfg files cannot type: {@code a,b,c} and {@code name:value,...}.
 */
final class KeyValues {

    private KeyValues() {
    }

    /**
     * @param raw a comma-separated list; blanks around items and empty items are ignored
     * @return the items
     */
    static List<String> list(String raw) {
        List<String> items = new ArrayList<>();
        if (raw != null) {
            for (String part : raw.split(",")) {
                String item = part.trim();
                if (!item.isEmpty()) {
                    items.add(item);
                }
            }
        }
        return items;
    }

    /**
     * @param pid    the PID, for messages
     * @param key    the key, for messages
     * @param raw    {@code name:value, name:value}
     * @param name   checks a name, throwing IllegalArgumentException with the reason
     * @param value  parses a value, throwing IllegalArgumentException with the reason
     * @param <V>    the value type
     * @return the pairs in order
     * @throws InvalidConfigurationException naming the item and the reason
     */
    static <V> Map<String, V> pairs(String pid, String key, String raw, Function<String, String> name,
            Function<String, V> value) {
        Map<String, V> pairs = new LinkedHashMap<>();
        for (String item : list(raw)) {
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
