package io.dwcp.resilience.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import java.lang.reflect.Proxy;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The sampler takes each operation's latencies once a tick, and gives the previous tick's histogram
 * back to be reused: each interval must hold exactly what was recorded during it, nothing of the
 * intervals before, per operation; per-caller observers record where the sampler reads.
 */
class LatencyRecorderTest {

    private static Invocation of(String operation) {
        return (Invocation) Proxy.newProxyInstance(Invocation.class.getClassLoader(), new Class<?>[] {Invocation.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("operation")) {
                        return operation;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void eachIntervalHoldsExactlyWhatWasRecordedInItWhileItsHistogramIsReused() {
        LatencyRecorder r = new LatencyRecorder();
        Invocation send = of("send");
        Invocation sync = of("sync");
        assertNull(r.takeInterval("send"), "nothing recorded yet");
        Histogram previous = null;
        Histogram beforePrevious = null;
        for (int tick = 1; tick <= 6; tick++) {
            Histogram expected = new Histogram(2);
            for (int i = 0; i < tick * 10; i++) {
                long nanos = (tick * 1_000L + i) * 1_000; // µs tick*1000+i
                r.onCall(send, CallOutcome.SUCCESS, nanos, null);
                expected.recordValue(nanos / 1_000);
            }
            r.onCall(sync, CallOutcome.SUCCESS, 5_000_000, null); // another operation's values stay apart
            Histogram got = r.takeInterval("send");
            assertEquals(expected.getTotalCount(), got.getTotalCount(), "tick " + tick);
            assertEquals(expected.getMinValue(), got.getMinValue(), "tick " + tick);
            assertEquals(expected.getMaxValue(), got.getMaxValue(), "tick " + tick);
            assertEquals(expected.getValueAtPercentile(50), got.getValueAtPercentile(50), "tick " + tick);
            for (double p : new double[] {1, 25, 75, 90, 99, 100}) {
                assertEquals(expected.getValueAtPercentile(p), got.getValueAtPercentile(p), "tick " + tick + ", p" + p);
            }
            if (beforePrevious != null) {
                assertSame(beforePrevious, got, "the histogram given back two ticks ago is reused (the recorder keeps two)");
            }
            beforePrevious = previous;
            previous = got;
            Histogram other = r.takeInterval("sync");
            assertEquals(1, other.getTotalCount());
            assertEquals(5_000, other.getMaxValue(), 5_000 / 50.0);
        }
        Histogram empty = r.takeInterval("send");
        assertEquals(0, empty.getTotalCount(), "nothing recorded since the last take");
    }

    /** The per-caller observer records where the sampler reads, like the shared one. */
    @Test
    void aCallersObserverRecordsIntoTheOperationsIntervalWithoutALookUpPerCall() {
        LatencyRecorder recorder = new LatencyRecorder();
        CallObserver send = recorder.forCaller("send");
        send.onCall(null, CallOutcome.SUCCESS, 5_000_000, null); // the invocation is not read
        send.onCall(null, CallOutcome.FAILURE, 300, null); // below a microsecond: 1 us
        recorder.forCaller("send").onCall(null, CallOutcome.SUCCESS, 2_000_000, null); // another thread's: the same recorder

        Histogram interval = recorder.takeInterval("send");
        assertEquals(3, interval.getTotalCount());
        assertEquals(1, interval.getMinValue());
        assertEquals(5_000, interval.getMaxValue(), 5_000 / 100);
        assertEquals(0, recorder.takeInterval("send").getTotalCount(), "the next interval starts empty");
        assertNull(recorder.takeInterval("sync"));
    }
}
