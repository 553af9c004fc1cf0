package io.dwcp.resilience.testkit;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} that keeps every line as {@code "<level> <message format>"}, all levels enabled. */
public final class RecordingLogger {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] { Logger.class }, (proxy, method, args) -> {
                Class<?> type = method.getReturnType();
                if (type == void.class && args != null && args.length > 0) {
                    StringBuilder line = new StringBuilder(method.getName()).append(' ').append(args[0]);
                    for (int i = 1; i < args.length; i++) {
                        line.append(" | ").append(args[i]);
                    }
                    lines.add(line.toString());
                    return null;
                }
                if (type == boolean.class) {
                    return Boolean.TRUE;
                }
                return type == String.class ? "test" : null;
            });

    /** @return the logger to inject */
    public Logger logger() {
        return logger;
    }

    /** @return every line so far */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** @return the lines logged at {@code level} ({@code error}, {@code warn}, {@code info}, ...) */
    public List<String> at(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1)).toList();
    }
}
