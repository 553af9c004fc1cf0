package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.ConfigReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.osgi.service.log.Logger;

/** Settings read as the kit reads them, and a logger whose lines read "LEVEL message" as the tests expect. */
final class TestServices {

    private TestServices() {
    }

    static TokenBucketSettings tokenBucket(Map<String, ?> config) {
        return TokenBucketSettings.from(new ConfigReader(TokenBucketSettings.PID, config));
    }

    static AdaptiveRateSettings adaptive(Map<String, ?> config) {
        return AdaptiveRateSettings.from(new ConfigReader(AdaptiveRateSettings.PID, config));
    }

    static ConcurrencyLimitSettings concurrency(Map<String, ?> config) {
        return ConcurrencyLimitSettings.from(new ConfigReader(ConcurrencyLimitSettings.PID, config));
    }

    /** A Logger that keeps every line: "LEVEL message args...". */
    static Logger recordingLogger(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(TestServices.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getName":
                            return "test";
                        case "isTraceEnabled":
                        case "isDebugEnabled":
                        case "isInfoEnabled":
                        case "isWarnEnabled":
                        case "isErrorEnabled":
                            return true;
                        case "trace":
                        case "debug":
                        case "info":
                        case "warn":
                        case "error":
                        case "audit":
                            lines.add(method.getName().toUpperCase() + " " + format(args));
                            return null;
                        default:
                            return null;
                    }
                });
    }

    private static String format(Object[] args) {
        if (args == null || args.length == 0 || !(args[0] instanceof String)) {
            return "";
        }
        String text = (String) args[0];
        List<Object> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i] instanceof Object[]) {
                Collections.addAll(rest, (Object[]) args[i]);
            } else {
                rest.add(args[i]);
            }
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int next = 0;
        for (int at = text.indexOf("{}"); at >= 0; at = text.indexOf("{}", from)) {
            out.append(text, from, at).append(next < rest.size() ? rest.get(next++) : "{}");
            from = at + 2;
        }
        return out.append(text.substring(from)).toString();
    }
}
