package io.dwcp.resilience.dashboard.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of each operation's calls, per sampling tick: an HdrHistogram {@link Recorder} per
 * operation whose interval histogram the sampler takes once a second. The manager's own histogram
 * counts since start, which cannot show what the last seconds looked like.
 *
 * <p>Registered as a {@link CallObserver} only while someone watches the page (see
 * {@link LiveModel}), so an unwatched dashboard costs the call path nothing.
 */
final class LatencyRecorder implements CallObserver {

    /** Two significant digits: a percentile on a chart needs no more. */
    private static final int DIGITS = 2;

    private final ConcurrentMap<String, Recorder> recorders = new ConcurrentHashMap<>();

    @Override
    public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
        record(recorderOf(inv.operation()), latencyNanos);
    }

    /**
     * The manager's observer for {@code operation}'s calls on one thread: that operation's recorder,
     * found once, not by a map look-up per call (issue 15). Recorders are never removed, so it stays
     * the one {@link #takeInterval} reads.
     */
    @Override
    public CallObserver forCaller(String operation) {
        Recorder r = recorderOf(operation);
        return (inv, outcome, latencyNanos, failure) -> record(r, latencyNanos);
    }

    private Recorder recorderOf(String operation) {
        // The manager bounds the number of operation names, so this map stays bounded too.
        Recorder r = recorders.get(operation);
        return r != null ? r : recorders.computeIfAbsent(operation, op -> new Recorder(DIGITS));
    }

    private static void record(Recorder r, long latencyNanos) {
        r.recordValue(Math.max(1, latencyNanos / 1_000));
    }

    /** Per operation, the interval histogram handed out last, recycled by the next take. Sampler thread only. */
    private final Map<String, Histogram> lastIntervals = new HashMap<>();

    /**
     * One caller (the sampler thread): the histogram returned is reused by the next call for the same
     * operation, so read it before then.
     *
     * @param operation an operation
     * @return the latencies (microseconds) recorded since the previous call for it, or null if none
     */
    Histogram takeInterval(String operation) {
        Recorder r = recorders.get(operation);
        if (r == null) {
            return null;
        }
        // the recorder swaps its active and inactive histograms: with the previous interval given back,
        // a tick allocates no histogram (it made a new one each second)
        Histogram h = r.getIntervalHistogram(lastIntervals.get(operation));
        lastIntervals.put(operation, h);
        return h;
    }
}
