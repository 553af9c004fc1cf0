package io.dwcp.resilience.dashboard.internal;

/**
 * The recent history of one operation, one sample per tick, oldest overwritten first: what the page's
 * small charts draw. Written by the sampler thread only, read under the same lock (a few hundred
 * numbers, once a second).
 */
final class SeriesRing {

    private final long[] time;
    private final double[] callsPerSecond;
    private final double[] errorRate;
    private final double[] p50;
    private final double[] p95;
    private final double[] p99;
    private int next;
    private int size;

    SeriesRing(int capacity) {
        time = new long[capacity];
        callsPerSecond = new double[capacity];
        errorRate = new double[capacity];
        p50 = new double[capacity];
        p95 = new double[capacity];
        p99 = new double[capacity];
    }

    /**
     * @param timeMillis when (wall clock)
     * @param rate       calls per second completed in the tick
     * @param errors     share of those calls that failed, were rejected or timed out; NaN without calls
     * @param p50Millis  median latency in the tick, NaN when not measured
     * @param p95Millis  95th percentile, NaN when not measured
     * @param p99Millis  99th percentile, NaN when not measured
     */
    synchronized void add(long timeMillis, double rate, double errors, double p50Millis, double p95Millis,
            double p99Millis) {
        time[next] = timeMillis;
        callsPerSecond[next] = rate;
        errorRate[next] = errors;
        p50[next] = p50Millis;
        p95[next] = p95Millis;
        p99[next] = p99Millis;
        next = (next + 1) % time.length;
        size = Math.min(size + 1, time.length);
    }

    /**
     * Writes the samples taken after {@code sinceMillis} as parallel arrays {@code t, rate, err, p50,
     * p95, p99}, oldest first.
     */
    synchronized void write(Json json, long sinceMillis) {
        int first = (next - size + time.length) % time.length;
        int skip = 0;
        while (skip < size && time[(first + skip) % time.length] <= sinceMillis) {
            skip++;
        }
        json.beginObject();
        column(json, "t", first, skip, null);
        column(json, "rate", first, skip, callsPerSecond);
        column(json, "err", first, skip, errorRate);
        column(json, "p50", first, skip, p50);
        column(json, "p95", first, skip, p95);
        column(json, "p99", first, skip, p99);
        json.endObject();
    }

    synchronized int size() {
        return size;
    }

    private void column(Json json, String name, int first, int skip, double[] values) {
        json.name(name).beginArray();
        for (int i = skip; i < size; i++) {
            int at = (first + i) % time.length;
            if (values == null) {
                json.value(time[at]);
            } else {
                json.value(values[at]);
            }
        }
        json.endArray();
    }
}
