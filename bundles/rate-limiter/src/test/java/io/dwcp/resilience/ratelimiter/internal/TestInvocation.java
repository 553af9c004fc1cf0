package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import java.util.HashMap;
import java.util.Map;

/** A plain {@link Invocation} for stage tests: what the manager would hand a stage. */
final class TestInvocation implements Invocation {

    private final String operation;
    private final TimeSource clock;
    private final long start;
    private final Map<String, Object> attributes = new HashMap<>();
    private long deadline = NO_DEADLINE;
    private int attempt = 1;

    TestInvocation(String operation, TimeSource clock) {
        this.operation = operation;
        this.clock = clock;
        this.start = clock.nanoTime();
    }

    TestInvocation withDeadline(long deadlineNanos) {
        this.deadline = deadlineNanos;
        return this;
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
        return start;
    }

    @Override
    public long deadlineNanos() {
        return deadline;
    }

    @Override
    public void setDeadlineNanos(long deadlineNanos) {
        this.deadline = deadlineNanos;
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
        TestInvocation copy = new TestInvocation(operation, clock);
        copy.deadline = deadline;
        copy.attempt = attempt;
        copy.attributes.putAll(attributes);
        return copy;
    }
}
