package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;


/** What the tests share beyond the test kit: a settings builder and a transition sink. */
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
        return CircuitBreakerSettings.from(new ConfigReader(PID, p));
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
}
