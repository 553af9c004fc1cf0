package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/** Fakes shared by the tests: settings builder, transition sink, invocation, store, logger, event admin. */
final class TestSupport {

    static final String PID = "dwcp.circuitbreaker~send";

    private TestSupport() {
    }

    /** Settings for {@code send} with the defaults overridden by alternating key, value pairs. */
    static CircuitBreakerSettings settings(Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return CircuitBreakerSettings.from(PID, p);
    }

    /** Remembers every transition and record, in order. */
    static final class RecordingSink implements BreakerStateMachine.TransitionSink {
        final List<CircuitBreakerTransition> transitions = new CopyOnWriteArrayList<>();
        final List<BreakerRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void onTransition(CircuitBreakerTransition transition, BreakerRecord record) {
            transitions.add(transition);
            records.add(record);
        }

        CircuitBreakerTransition last() {
            return transitions.get(transitions.size() - 1);
        }
    }

    /** A minimal invocation on a given clock. */
    static final class TestInvocation implements Invocation {
        private final String operation;
        private final TimeSource time;
        private final long start;
        private final Map<String, Object> attributes = new HashMap<>();
        private int attempt = 1;
        private long deadline = NO_DEADLINE;

        TestInvocation(String operation, TimeSource time) {
            this.operation = operation;
            this.time = time;
            this.start = time.nanoTime();
        }

        @Override public String operation() { return operation; }
        @Override public String peer() { return NO_PEER; }
        @Override public int attempt() { return attempt; }
        @Override public void setAttempt(int attempt) { this.attempt = attempt; }
        @Override public long startNanos() { return start; }
        @Override public long deadlineNanos() { return deadline; }
        @Override public void setDeadlineNanos(long deadlineNanos) { this.deadline = deadlineNanos; }
        @Override public TimeSource timeSource() { return time; }
        @Override public Object attribute(String key) { return attributes.get(key); }
        @Override public void setAttribute(String key, Object value) { attributes.put(key, value); }
        @Override public Invocation detach() { return this; }
    }

    /** A StateStore in memory that can be told to fail. */
    static final class InMemoryStateStore implements StateStore {
        final Map<String, byte[]> records = new ConcurrentHashMap<>();
        volatile boolean failSaves;

        @Override
        public Optional<byte[]> load(String key) {
            return Optional.ofNullable(records.get(key)).map(byte[]::clone);
        }

        @Override
        public void save(String key, byte[] record) throws IOException {
            if (failSaves) {
                throw new IOException("disk full");
            }
            records.put(key, record.clone());
        }

        @Override
        public boolean delete(String key) {
            return records.remove(key) != null;
        }

        @Override
        public Set<String> keys() {
            return Set.copyOf(records.keySet());
        }
    }

    /** Collects posted events. */
    static final class RecordingEventAdmin implements EventAdmin {
        final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void postEvent(Event event) {
            events.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            events.add(event);
        }

        List<Event> topic(String topic) {
            List<Event> out = new ArrayList<>();
            for (Event e : events) {
                if (e.getTopic().equals(topic)) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** A log whose lines are "LEVEL message" with {} placeholders filled in. */
    static final class LogLines {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        Logger logger() {
            return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] { Logger.class },
                    (proxy, method, args) -> {
                        String name = method.getName();
                        if (name.equals("getName")) {
                            return "test";
                        }
                        if (name.startsWith("is")) {
                            return true;
                        }
                        if (args != null && args.length > 0 && args[0] instanceof String format) {
                            Object[] params = args.length == 2 && args[1] instanceof Object[] a ? a
                                    : java.util.Arrays.copyOfRange(args, 1, args.length);
                            lines.add(name.toUpperCase(java.util.Locale.ROOT) + " " + fill(format, params));
                        }
                        return null;
                    });
        }

        private static String fill(String format, Object[] params) {
            StringBuilder sb = new StringBuilder();
            int p = 0;
            int i = 0;
            while (i < format.length()) {
                if (format.startsWith("{}", i) && p < params.length) {
                    sb.append(params[p++]);
                    i += 2;
                } else {
                    sb.append(format.charAt(i++));
                }
            }
            return sb.toString();
        }

        List<String> at(String level) {
            List<String> out = new ArrayList<>();
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith(level + " ")) {
                        out.add(l);
                    }
                }
            }
            return out;
        }
    }
}
