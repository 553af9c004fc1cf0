package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import java.util.HashMap;
import java.util.Map;

/** A plain {@link Invocation} for tests; {@link #detach()} makes a copy that says it is one. */
final class TestInvocation implements Invocation {

    private final String operation;
    private final TimeSource clock;
    private final long startNanos;
    private final boolean detached;
    private final Map<String, Object> attributes = new HashMap<>();
    private long deadlineNanos;
    private int attempt = 1;

    TestInvocation(String operation, TimeSource clock) {
        this(operation, clock, NO_DEADLINE);
    }

    TestInvocation(String operation, TimeSource clock, long deadlineNanos) {
        this(operation, clock, clock.nanoTime(), deadlineNanos, false);
    }

    private TestInvocation(String operation, TimeSource clock, long startNanos, long deadlineNanos, boolean detached) {
        this.operation = operation;
        this.clock = clock;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.detached = detached;
    }

    boolean isDetached() {
        return detached;
    }

    @Override
    public String operation() {
        return operation;
    }

    @Override
    public String peer() {
        return NO_PEER;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public void setDeadlineNanos(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public TimeSource timeSource() {
        return clock;
    }

    @Override
    public Object attribute(String key) {
        return attributes.get(key);
    }

    @Override
    public void setAttribute(String key, Object value) {
        if (value == null) {
            attributes.remove(key);
        } else {
            attributes.put(key, value);
        }
    }

    @Override
    public Invocation detach() {
        TestInvocation copy = new TestInvocation(operation, clock, startNanos, deadlineNanos, true);
        copy.attempt = attempt;
        copy.attributes.putAll(attributes);
        return copy;
    }
}
