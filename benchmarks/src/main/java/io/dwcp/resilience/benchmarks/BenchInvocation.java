package io.dwcp.resilience.benchmarks;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;

/**
 * A reusable invocation for benchmarking one stage without the manager, as the manager's pooled
 * invocation would be: {@link #reset} it per call, nothing allocated.
 */
public final class BenchInvocation implements Invocation {

    private final String operation;
    private final TimeSource time;
    private int attempt = 1;
    private long startNanos;
    private long deadlineNanos = NO_DEADLINE;

    public BenchInvocation(String operation, TimeSource time, long startNanos) {
        this.operation = operation;
        this.time = time;
        this.startNanos = startNanos;
    }

    /** Prepares the invocation for the next call, as the manager does on entry. */
    public BenchInvocation reset(long startNanos) {
        this.startNanos = startNanos;
        this.attempt = 1;
        this.deadlineNanos = NO_DEADLINE;
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
        return null;
    }

    @Override
    public void setAttribute(String key, Object value) {
        throw new UnsupportedOperationException("not needed by the benchmarked stages");
    }

    @Override
    public Invocation detach() {
        BenchInvocation copy = new BenchInvocation(operation, time, startNanos);
        copy.attempt = attempt;
        copy.deadlineNanos = deadlineNanos;
        return copy;
    }

    /** A logger that drops everything, for activating DS components outside a container. */
    public static org.osgi.service.log.Logger quietLogger() {
        return (org.osgi.service.log.Logger) java.lang.reflect.Proxy.newProxyInstance(
                BenchInvocation.class.getClassLoader(), new Class<?>[] {org.osgi.service.log.Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
    }
}
