package io.dwcp.resilience.health.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds configuration annotation instances as SCR would: given keys, defaults for the rest. */
final class Configs {

    private Configs() {
    }

    /**
     * @param type   the configuration annotation type
     * @param values method name to value; missing methods answer their default
     * @param <T>    the type
     * @return an instance
     */
    @SuppressWarnings("unchecked")
    static <T> T of(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            Object fallback = method.getDefaultValue();
            if (fallback == null) {
                throw new IllegalStateException("no value for " + method.getName());
            }
            return fallback;
        });
    }
}
