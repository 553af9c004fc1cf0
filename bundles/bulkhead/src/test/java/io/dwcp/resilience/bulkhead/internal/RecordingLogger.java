package io.dwcp.resilience.bulkhead.internal;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} for tests that keeps "LEVEL message" lines, placeholders filled in. */
final class RecordingLogger {

    final List<String> lines = new CopyOnWriteArrayList<>();

    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if (name.equals("getName")) {
                    return "test";
                }
                if (name.startsWith("is")) {
                    return true;
                }
                if (args != null && args.length > 0 && args[0] instanceof String) {
                    lines.add(name.toUpperCase() + " " + format((String) args[0], args));
                }
                return null;
            });

    private static String format(String pattern, Object[] args) {
        Object[] values = args.length == 2 && args[1] instanceof Object[] ? (Object[]) args[1]
                : java.util.Arrays.copyOfRange(args, 1, args.length);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (Object value : values) {
            int at = pattern.indexOf("{}", from);
            if (at < 0) {
                break;
            }
            out.append(pattern, from, at).append(value);
            from = at + 2;
        }
        return out.append(pattern.substring(from)).toString();
    }

    List<String> at(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
    }
}
