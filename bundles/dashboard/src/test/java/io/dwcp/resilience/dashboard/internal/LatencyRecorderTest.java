package io.dwcp.resilience.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The per-caller observer records where the sampler reads, like the shared one. */
class LatencyRecorderTest {

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
