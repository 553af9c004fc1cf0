package io.dwcp.resilience.stage.support;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import java.util.HashMap;
import java.util.Map;

/** A plain mutable invocation, as the manager would hand one to a stage. */
public final class TestInvocation implements Invocation {

    private final String operation;
    private final TimeSource time;
    private final long startNanos;
    private final Map<String, Object> attributes = new HashMap<>();
    private int attempt = 1;
    private long deadlineNanos;

    public TestInvocation(String operation, TimeSource time, long deadlineNanos) {
        this.operation = operation;
        this.time = time;
        this.startNanos = time.nanoTime();
        this.deadlineNanos = deadlineNanos;
    }

    public TestInvocation(String operation, TimeSource time) {
        this(operation, time, NO_DEADLINE);
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
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
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
        return time;
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
        TestInvocation copy = new TestInvocation(operation, time, deadlineNanos);
        copy.attempt = attempt;
        copy.attributes.putAll(attributes);
        return copy;
    }
}
