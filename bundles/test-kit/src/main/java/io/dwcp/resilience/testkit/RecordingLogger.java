package io.dwcp.resilience.testkit;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} that keeps every line as {@code "<level> <message>"}, all levels enabled. */
public final class RecordingLogger {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] { Logger.class }, (proxy, method, args) -> {
                Class<?> type = method.getReturnType();
                if (type == void.class && args != null && args.length > 0) {
                    lines.add(method.getName() + ' ' + fill(String.valueOf(args[0]), args));
                    return null;
                }
                if (type == boolean.class) {
                    return Boolean.TRUE;
                }
                return type == String.class ? "test" : null;
            });

    /** The message with its {@code {}} placeholders filled in; arguments left over follow as {@code " | arg"}. */
    private static String fill(String format, Object[] args) {
        Object[] params = args.length == 2 && args[1] instanceof Object[] a ? a
                : java.util.Arrays.copyOfRange(args, 1, args.length);
        StringBuilder line = new StringBuilder();
        int p = 0;
        for (int i = 0; i < format.length(); i++) {
            if (format.startsWith("{}", i) && p < params.length) {
                line.append(params[p++]);
                i++;
            } else {
                line.append(format.charAt(i));
            }
        }
        while (p < params.length) {
            line.append(" | ").append(params[p++]);
        }
        return line.toString();
    }

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
