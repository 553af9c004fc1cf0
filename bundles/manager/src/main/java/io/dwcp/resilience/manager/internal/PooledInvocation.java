package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import java.util.Arrays;
import java.util.Objects;

/**
 * The manager's {@link Invocation}: reused across calls on one thread (see {@link InvocationPool})
 * so a call allocates nothing of its own. Attributes live in a small array map, allocated on first
 * use only.
 */
final class PooledInvocation implements Invocation {

    private String operation;
    private String peer;
    private Call<?> call;
    private Stage operationInterceptor; // see interceptOperation; null on the normal path
    private TimeSource timeSource;
    private long startNanos;
    private long deadlineNanos;
    /** When the operation last ended, valid while {@link #operationEnded}; see {@link #operationEndNanos()}. */
    private long operationEndNanos;
    private boolean operationEnded;
    private int attempt;
    private Object[] attributes; // key, value, key, value, ...
    private int attributeCount;

    void start(String operation, String peer, Call<?> call, TimeSource timeSource, long startNanos) {
        this.operation = operation;
        this.peer = peer;
        this.call = call;
        this.timeSource = timeSource;
        this.startNanos = startNanos;
        this.deadlineNanos = NO_DEADLINE;
        this.attempt = 1;
        this.operationEnded = false;
    }

    /** A stage is about to proceed: what ends inside is its own to read, nothing before. */
    void forgetOperationEnd() {
        operationEnded = false;
    }

    /** The operation just returned or threw; {@code nanos} is the chain's one reading of the clock there. */
    void operationEndedAt(long nanos) {
        operationEndNanos = nanos;
        operationEnded = true;
    }

    /** @return whether the operation ended since the last stage proceeded (then {@link #operationEndNanos()} read no clock) */
    boolean operationEnded() {
        return operationEnded;
    }

    /**
     * After the call waited for its chain (make-before-break): the stages see the call start now,
     * so that the wait does not eat into a timeout or skew the latencies they learn from.
     */
    void restartAt(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Drops every reference so a pooled invocation holds on to nothing of a finished call. */
    void clear() {
        operation = null;
        peer = null;
        call = null;
        operationInterceptor = null;
        timeSource = null;
        if (attributeCount > 0) {
            Arrays.fill(attributes, 0, attributeCount * 2, null);
            attributeCount = 0;
        }
    }

    Call<?> call() {
        return call;
    }

    /** @return the stage to run around the operation, or {@code null} (the normal path) */
    Stage operationInterceptor() {
        return operationInterceptor;
    }

    @Override
    public void interceptOperation(Stage interceptor) {
        this.operationInterceptor = interceptor;
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
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
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
        return timeSource;
    }

    @Override
    public long operationEndNanos() {
        return operationEnded ? operationEndNanos : timeSource.nanoTime();
    }

    @Override
    public Object attribute(String key) {
        for (int i = 0; i < attributeCount; i++) {
            if (attributes[2 * i].equals(key)) {
                return attributes[2 * i + 1];
            }
        }
        return null;
    }

    @Override
    public void setAttribute(String key, Object value) {
        Objects.requireNonNull(key, "key");
        for (int i = 0; i < attributeCount; i++) {
            if (attributes[2 * i].equals(key)) {
                if (value != null) {
                    attributes[2 * i + 1] = value;
                } else { // move the last pair into the hole
                    attributeCount--;
                    attributes[2 * i] = attributes[2 * attributeCount];
                    attributes[2 * i + 1] = attributes[2 * attributeCount + 1];
                    attributes[2 * attributeCount] = null;
                    attributes[2 * attributeCount + 1] = null;
                }
                return;
            }
        }
        if (value == null) {
            return;
        }
        if (attributes == null) {
            attributes = new Object[8];
        } else if (attributes.length == attributeCount * 2) {
            attributes = Arrays.copyOf(attributes, attributes.length * 2);
        }
        attributes[2 * attributeCount] = key;
        attributes[2 * attributeCount + 1] = value;
        attributeCount++;
    }

    @Override
    public Invocation detach() {
        return detachTo(peer);
    }

    @Override
    public Invocation detachTo(String peer) {
        Objects.requireNonNull(peer, "peer");
        PooledInvocation copy = new PooledInvocation();
        copy.start(operation, peer, call, timeSource, startNanos);
        copy.deadlineNanos = deadlineNanos;
        copy.attempt = attempt;
        copy.operationInterceptor = operationInterceptor;
        if (attributeCount > 0) {
            copy.attributes = Arrays.copyOf(attributes, attributes.length);
            copy.attributeCount = attributeCount;
        }
        return copy;
    }

    @Override
    public String toString() {
        return "Invocation[" + operation + (peer.isEmpty() ? "" : " to " + peer) + ", attempt " + attempt + "]";
    }
}
