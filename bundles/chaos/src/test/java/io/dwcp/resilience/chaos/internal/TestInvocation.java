package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import java.util.HashMap;
import java.util.Map;

/** A plain {@link Invocation} for unit tests: the manager's is pooled and package-private. */
final class TestInvocation implements Invocation {

    private final String operation;
    private final String peer;
    private final TimeSource clock;
    private final long startNanos;
    private long deadlineNanos;
    private int attempt = 1;
    private final Map<String, Object> attributes = new HashMap<>();

    TestInvocation(String operation, String peer, TimeSource clock) {
        this(operation, peer, clock, NO_DEADLINE);
    }

    TestInvocation(String operation, String peer, TimeSource clock, long deadlineNanos) {
        this.operation = operation;
        this.peer = peer;
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        this.deadlineNanos = deadlineNanos;
    }

    @Override public String operation() { return operation; }
    @Override public String peer() { return peer; }
    @Override public int attempt() { return attempt; }
    @Override public void setAttempt(int attempt) { this.attempt = attempt; }
    @Override public long startNanos() { return startNanos; }
    @Override public long deadlineNanos() { return deadlineNanos; }
    @Override public void setDeadlineNanos(long deadlineNanos) { this.deadlineNanos = deadlineNanos; }
    @Override public TimeSource timeSource() { return clock; }
    @Override public Object attribute(String key) { return attributes.get(key); }
    @Override public void setAttribute(String key, Object value) { attributes.put(key, value); }
    @Override public Invocation detach() { return this; }
}
