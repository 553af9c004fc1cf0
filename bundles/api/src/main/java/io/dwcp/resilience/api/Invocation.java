package io.dwcp.resilience.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One logical call travelling through a chain: which operation, to which peer, which attempt, and
 * until when.
 *
 * <p>The manager creates it when a call enters and reads the clock once for
 * {@link #startNanos()}, and once more when the operation ends ({@link #operationEndNanos()}). It is mutable in two controlled ways: the retry stage sets the
 * {@linkplain #setAttempt(int) attempt}, the timeout stage narrows the
 * {@linkplain #setDeadlineNanos(long) deadline} (and restores the outer one afterwards).
 *
 * <p>The manager reuses invocation objects so that a call allocates nothing of its own: an
 * invocation is valid only until the {@link ResilienceManager#execute} call that made it returns.
 * Work that may outlive the call must use {@link #detach()}.
 *
 * <p>Deadlines and start times are values of {@link #timeSource()}{@code .nanoTime()}.
 */
@ProviderType
public interface Invocation {

    /** {@link #deadlineNanos()} of an invocation without a deadline. */
    long NO_DEADLINE = Long.MAX_VALUE;

    /** {@link #peer()} of an invocation that is not addressed to one peer. */
    String NO_PEER = "";

    /** @return the operation name, e.g. {@code send} */
    String operation();

    /** @return the peer (node id or address) the call is addressed to, or {@link #NO_PEER} */
    String peer();

    /** @return the attempt number, 1 for the first attempt */
    int attempt();

    /**
     * Sets the attempt number; used by a retry stage before it proceeds again.
     *
     * @param attempt the attempt number, at least 1
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    void setAttempt(int attempt);

    /** @return when the call entered the chain, in {@link #timeSource()} nanoseconds */
    long startNanos();

    /** @return the instant by which the call must complete, or {@link #NO_DEADLINE} */
    long deadlineNanos();

    /**
     * Replaces the deadline. A stage that narrows it restores the previous value when the rest of
     * the chain returns, so that an outer retry starts its next attempt with the outer deadline.
     *
     * @param deadlineNanos the new deadline, or {@link #NO_DEADLINE}
     */
    void setDeadlineNanos(long deadlineNanos);

    /** @return whether the call has a deadline */
    default boolean hasDeadline() {
        return deadlineNanos() != NO_DEADLINE;
    }

    /**
     * @param nowNanos the current time of {@link #timeSource()}
     * @return nanoseconds left until the deadline (negative once passed), or {@link Long#MAX_VALUE}
     *         without a deadline
     */
    default long remainingNanos(long nowNanos) {
        long deadline = deadlineNanos();
        return deadline == NO_DEADLINE ? Long.MAX_VALUE : deadline - nowNanos;
    }

    /** @return the clock of the whole chain; stages use it instead of {@link System#nanoTime()} */
    TimeSource timeSource();

    /**
     * When the operation itself (the caller's {@link Call}, with any
     * {@linkplain #interceptOperation operation interceptor}) last returned or threw, in
     * {@link #timeSource()} nanoseconds: the manager reads the clock once there, at the innermost
     * end of the chain, and uses that reading as the call's end for its own latency and for the
     * {@link CallObserver}s.
     *
     * <p>A stage that times the call after {@link Next#proceed} returned (or threw) uses this instead
     * of reading the clock again, so that a successful call reads the clock twice in all: once
     * at {@link #startNanos()}, once here. Together with {@link #startNanos()} (the time before the
     * first stage ran) a stage needs no clock read of its own on the success path.
     *
     * <p>The reading belongs to the proceed the stage just made: the manager forgets it each time a
     * stage proceeds, so when nothing inside reached the operation (an inner stage refused, or the
     * rest of the chain ran on a {@linkplain #detach() detached copy} on another thread) this method
     * reads the clock instead, and the value is never stale. Before the stage has proceeded it
     * also reads the clock. The default implementation (fakes written against earlier versions)
     * always reads the clock.
     *
     * @return the instant the operation last ended within the stage's proceed, or the current time
     * @since 1.4
     */
    default long operationEndNanos() {
        return timeSource().nanoTime();
    }

    /**
     * @param key an attribute name
     * @return the attribute's value, or {@code null}
     */
    Object attribute(String key);

    /**
     * Attaches a value to this call, visible to inner stages and the operation.
     *
     * @param key   an attribute name, not {@code null}
     * @param value the value; {@code null} removes the attribute
     */
    void setAttribute(String key, Object value);

    /**
     * @return an independent copy of this invocation that stays valid after the call returns, for
     *         a stage that hands the rest of the chain to another thread
     */
    Invocation detach();

    /**
     * Runs {@code interceptor} around the operation itself: innermost, inside every stage of the
     * chain, on every attempt of this call (a retry that proceeds again runs it again).
     *
     * <p>This lets an outer stage make a decision at its own position and have the effect appear
     * where the operation runs. The chaos stage uses it: it decides outermost whether to inject a
     * fault (so the decision and its audit happen once per logical call), and the injected error,
     * panic or latency then takes effect as the operation's own, so the inner protections (load
     * shedding, rate limiting, bulkhead, circuit breaker, retry, timeout) see and record it and a
     * timeout stage bounds it.
     *
     * <p>The interceptor's {@link Stage#execute} receives this invocation (or the copy made by
     * {@link #detach()}, which carries the interceptor along) and a {@link Next} that runs the
     * caller's {@link Call}; it may call {@code proceed} once, several times or not at all, like
     * any stage. It must honour the deadline like any stage.
     *
     * <p>One interceptor per call: a second call replaces the first; {@code null} removes it. It
     * lasts until the call returns and never leaks into the next call of the same thread. Set it
     * before proceeding; setting it from an inner stage affects only the attempts that start
     * afterwards.
     *
     * <p>Only the manager implements {@code Invocation}; the default implementation exists so that
     * test fakes written against version 1.0 of this package still compile, and it refuses.
     *
     * @param interceptor the stage to run around the operation, or {@code null} to remove it
     * @throws UnsupportedOperationException if this implementation does not support interception
     * @since 1.1
     */
    default void interceptOperation(Stage interceptor) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support interceptOperation");
    }

    /**
     * An independent copy of this invocation, as {@link #detach()}, addressed to another peer: what a
     * stage passes down the chain to try the call elsewhere (a fallback to another replica). The
     * inner stages then judge that peer ({@link #peer()}), and the {@link Call} sees it; a call
     * that can be re-addressed reads {@code inv.peer()} instead of capturing its peer.
     *
     * <p>The default implementation exists so that fakes written against earlier versions still
     * compile, and it refuses.
     *
     * @param peer the peer to address, not {@code null} ({@link #NO_PEER} for none)
     * @return the copy
     * @throws UnsupportedOperationException if this implementation cannot re-address
     * @since 1.3
     */
    default Invocation detachTo(String peer) {
        throw new UnsupportedOperationException(getClass().getName() + " does not support detachTo");
    }

    /**
     * The deadline {@code timeoutNanos} after {@code nowNanos}, saturating instead of overflowing.
     *
     * @param nowNanos     the current time
     * @param timeoutNanos a non-negative timeout
     * @return {@code nowNanos + timeoutNanos}, or {@link #NO_DEADLINE} on overflow
     */
    static long deadlineAfter(long nowNanos, long timeoutNanos) {
        long deadline = nowNanos + timeoutNanos;
        return (timeoutNanos > 0 && deadline < nowNanos) ? NO_DEADLINE : Math.min(deadline, NO_DEADLINE - 1);
    }
}
