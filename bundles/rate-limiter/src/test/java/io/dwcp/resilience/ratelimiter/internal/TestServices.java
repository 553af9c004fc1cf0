package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.ConfigReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/** In-memory stand-ins for the services a stage component uses. */
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

    /** Events posted, in order. */
    static final class RecordingEventAdmin implements EventAdmin {
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void postEvent(Event event) {
            events.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            events.add(event);
        }

        List<Event> onTopic(String topic) {
            synchronized (events) {
                return events.stream().filter(e -> e.getTopic().equals(topic)).toList();
            }
        }
    }

    /** A state store in a map. */
    static final class MapStateStore implements StateStore {
        final Map<String, byte[]> records = new ConcurrentHashMap<>();

        @Override
        public Optional<byte[]> load(String key) {
            return Optional.ofNullable(records.get(key));
        }

        @Override
        public void save(String key, byte[] record) {
            records.put(key, record.clone());
        }

        @Override
        public boolean delete(String key) {
            return records.remove(key) != null;
        }

        @Override
        public Set<String> keys() {
            return new TreeSet<>(records.keySet());
        }
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
