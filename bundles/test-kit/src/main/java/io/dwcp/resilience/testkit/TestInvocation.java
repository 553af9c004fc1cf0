package io.dwcp.resilience.testkit;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import java.util.HashMap;
import java.util.Map;

/**
 * A plain mutable invocation, as the manager would hand one to a stage, for unit tests of stages
 * and injectors. {@link #interceptOperation} works as in the manager: {@link #operation(Call)}
 * gives the {@link Next} that ends a test chain and runs the interceptor around the call.
 */
public final class TestInvocation implements Invocation {

    private final String operation;
    private final TimeSource time;
    private final long startNanos;
    private final Map<String, Object> attributes = new HashMap<>();
    private final String peer;
    private final boolean detached;
    private volatile Stage interceptor;
    private int attempt = 1;
    private long deadlineNanos;

    public TestInvocation(String operation, TimeSource time, long deadlineNanos) {
        this(operation, NO_PEER, time, deadlineNanos);
    }

    /** An invocation of {@code operation} addressed to {@code peer}. */
    public TestInvocation(String operation, String peer, TimeSource time, long deadlineNanos) {
        this(operation, peer, time, time.nanoTime(), deadlineNanos, false);
    }

    private TestInvocation(String operation, String peer, TimeSource time, long startNanos, long deadlineNanos,
            boolean detached) {
        this.operation = operation;
        this.peer = peer;
        this.time = time;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.detached = detached;
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
        return peer;
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
        return detachTo(peer);
    }

    @Override
    public Invocation detachTo(String peer) {
        java.util.Objects.requireNonNull(peer, "peer");
        TestInvocation copy = new TestInvocation(operation, peer, time, startNanos, deadlineNanos, true);
        copy.attempt = attempt;
        copy.interceptor = interceptor;
        copy.attributes.putAll(attributes);
        return copy;
    }

    @Override
    public void interceptOperation(Stage interceptor) {
        this.interceptor = interceptor;
    }

    /** @return whether this is a copy made by {@link #detach()} (as a thread-pool stage hands to its worker) */
    public boolean isDetached() {
        return detached;
    }

    /** @return the interceptor a stage set, or {@code null} */
    public Stage interceptor() {
        return interceptor;
    }

    /**
     * The end of a test chain, as the manager's last link: runs {@code call}, inside the interceptor
     * when a stage set one on the invocation it proceeds with.
     */
    public static <T> Next<T> operation(Call<T> call) {
        return inv -> {
            Stage around = inv instanceof TestInvocation t ? t.interceptor : null;
            return around == null ? call.call(inv) : around.execute(inv, call::call);
        };
    }
}
