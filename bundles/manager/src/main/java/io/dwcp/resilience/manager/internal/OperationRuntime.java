package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Everything the manager keeps for one operation: its current chain and observers (each replaced by
 * one volatile write), its outcome counters and its latency recorder.
 */
final class OperationRuntime {

    /** Latencies above this are recorded as this: a call stuck for an hour is "an hour or more". */
    static final long MAX_RECORDED_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Two significant digits: percentiles within 1%, a few tens of KiB per operation. */
    private static final int SIGNIFICANT_DIGITS = 2;
    static final CallObserver[] NO_OBSERVERS = new CallObserver[0];

    final String name;
    volatile Chain chain;
    volatile CallObserver[] observers = NO_OBSERVERS;

    // no success counter: successes are the latency histogram's count less the others (one write
    // fewer on the success path)
    private final LongAdder failures = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    /**
     * Cumulative, so no interval swapping is needed; striped per calling thread so that two callers
     * never increment the same counts (an AtomicHistogram per stripe: two uncontended atomic
     * increments and no phaser). A snapshot adds the stripes up; taken while calls record it may be
     * a few counts behind, never wrong. Every call is recorded here, whatever its outcome.
     */
    private final StripedHistogram latencies = new StripedHistogram(MAX_RECORDED_NANOS, SIGNIFICANT_DIGITS,
            StripedHistogram.defaultStripes());

    /** Calls that waited for their chain, how long in total, the longest: rare, so plain atomics. */
    private final LongAdder held = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();
    private final AtomicLong heldMaxNanos = new AtomicLong();

    /** The chain is set by the manager right after, before the runtime is published. */
    OperationRuntime(String name) {
        this.name = name;
    }

    /** Counts a call that waited {@code nanos} for its chain. */
    void held(long nanos) {
        held.increment();
        heldNanos.add(nanos);
        heldMaxNanos.accumulateAndGet(nanos, Math::max);
    }

    long heldCalls() {
        return held.sum();
    }

    long heldMaxNanos() {
        return heldMaxNanos.get();
    }

    /**
     * Counts a finished call and tells the observers; on the caller's thread.
     *
     * @param stripe the calling thread's stripe (see {@link InvocationPool#stripe()})
     */
    void completed(Invocation inv, long latencyNanos, Throwable failure, ObserverFailureHandler onObserverFailure,
            int stripe) {
        CallOutcome outcome = CallOutcome.of(failure);
        switch (outcome) {
            case SUCCESS:
                break;
            case REJECTED:
                rejections.increment();
                break;
            case TIMEOUT:
                timeouts.increment();
                break;
            default:
                failures.increment();
                break;
        }
        // after the outcome counter: a snapshot that reads the histogram first never takes a
        // failure for a success
        latencies.recordValue(stripe, Math.max(1, Math.min(latencyNanos, MAX_RECORDED_NANOS)));
        for (CallObserver observer : observers) {
            try {
                observer.onCall(inv, outcome, latencyNanos, failure);
            } catch (RuntimeException | LinkageError e) {
                // An observer's bug must not fail or slow the call it observes.
                onObserverFailure.observerFailed(observer, name, e);
            }
        }
    }

    OperationMetrics snapshot() {
        Histogram total = latencies.copy(); // first: every call in it has its outcome counted already
        long f = failures.sum();
        long r = rejections.sum();
        long t = timeouts.sum();
        long s = Math.max(0, total.getTotalCount() - f - r - t);
        LatencySnapshot latency = total.getTotalCount() == 0 ? LatencySnapshot.EMPTY
                : new LatencySnapshot(total.getTotalCount(), total.getMinValue(), total.getMaxValue(),
                        total.getMean(), total.getValueAtPercentile(50), total.getValueAtPercentile(90),
                        total.getValueAtPercentile(95), total.getValueAtPercentile(99),
                        total.getValueAtPercentile(99.9));
        return new OperationMetrics(name, s + f + r + t, s, f, r, t, latency, held.sum(), heldNanos.sum(),
                heldMaxNanos.get());
    }

    /** Told when an observer throws. */
    interface ObserverFailureHandler {
        void observerFailed(CallObserver observer, String operation, Throwable failure);
    }
}
