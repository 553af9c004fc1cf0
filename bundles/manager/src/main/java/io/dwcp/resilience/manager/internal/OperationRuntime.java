package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.dwcp.resilience.kit.ThreadCells;
import io.dwcp.resilience.kit.latency.LatencyCounts;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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
    /** This operation's number in its manager, 0, 1, 2...: where calling threads keep their {@link CallerState}. */
    final int index;
    volatile Chain chain;
    volatile CallObserver[] observers = NO_OBSERVERS;

    // no success counter: successes are the latency histogram's count less the others (one write
    // fewer on the success path)
    private final LongAdder failures = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    /**
     * Cumulative, so no interval swapping is needed; one {@link LatencyCounts} per calling thread,
     * written only by that thread (its {@link CallerState}): no atomic instruction, no shared line
     * (issue 15), and a record is one slot computation and one store (HdrHistogram's own
     * {@code recordValue} also keeps count, minimum and maximum on every call: 9 % of the manager's
     * share of the call in the profiles). A snapshot folds them into one {@link Histogram} of the
     * same layout, which then reads exactly as if every call had been recorded into it; taken while
     * calls record it may miss the records in flight, never more, and an ended thread's counts are
     * kept (see {@link ThreadCells}). Every call is recorded here, whatever its outcome.
     */
    private final ThreadCells<LatencyCounts> latencies = new ThreadCells<>(
            () -> new LatencyCounts(1, MAX_RECORDED_NANOS, SIGNIFICANT_DIGITS), (from, into) -> into.add(from));
    /** What every snapshot folds the threads' counts into, cleared first; guarded by itself. */
    private final Histogram total = new Histogram(1, MAX_RECORDED_NANOS, SIGNIFICANT_DIGITS);
    private final Consumer<LatencyCounts> addToTotal = counts -> counts.addTo(total);

    /** Calls that waited for their chain, how long in total, the longest: rare, so plain atomics. */
    private final LongAdder held = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();
    private final AtomicLong heldMaxNanos = new AtomicLong();

    /** The chain is set by the manager right after, before the runtime is published. */
    OperationRuntime(String name, int index) {
        this.name = name;
        this.index = index;
    }

    /** @return the calling thread's new state for this operation (once per thread: takes a lock) */
    CallerState newCallerState() {
        return new CallerState(this, latencies.mine());
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
     * @param caller the calling thread's state for this operation ({@link InvocationPool#state})
     */
    void completed(Invocation inv, long latencyNanos, Throwable failure, ObserverFailureHandler onObserverFailure,
            CallerState caller) {
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
        caller.latency.record(latencyNanos); // counted from 1 ns, up to MAX_RECORDED_NANOS
        for (CallObserver observer : caller.observers(observers, onObserverFailure)) {
            try {
                observer.onCall(inv, outcome, latencyNanos, failure);
            } catch (RuntimeException | LinkageError e) {
                // An observer's bug must not fail or slow the call it observes.
                onObserverFailure.observerFailed(observer, name, e);
            }
        }
    }

    OperationMetrics snapshot() {
        // one total reused by every snapshot (cleared, then the threads' counts folded in): a sampler
        // reading every operation each second allocates no histogram (issue 9: the dashboard's sampler
        // allocated a new one per operation and tick)
        synchronized (total) {
            total.reset();
            latencies.read(addToTotal); // first: every call in it has its outcome counted already
            return snapshotOf(total);
        }
    }

    private OperationMetrics snapshotOf(Histogram total) {
        long f = failures.sum();
        long r = rejections.sum();
        long t = timeouts.sum();
        long s = Math.max(0, total.getTotalCount() - f - r - t);
        LatencySnapshot latency = total.getTotalCount() == 0 ? LatencySnapshot.EMPTY
                // the largest value counted: a read racing a record may see its count before its maximum
                : new LatencySnapshot(total.getTotalCount(), total.getMinValue(),
                        Math.max(total.getMaxValue(), total.getValueAtPercentile(100)),
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
