package io.dwcp.resilience.circuitbreaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.testkit.Hammer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/** Many threads at once: admission and counting stay exact without locks. */
class BreakerConcurrencyTest {

    private static final int THREADS = 8;

    private static void runTogether(Runnable body) throws InterruptedException {
        Hammer.together(THREADS, thread -> body.run());
    }

    @RepeatedTest(5)
    void halfOpenAdmitsExactlyItsProbesUnderContention() throws InterruptedException {
        ManualTimeSource clock = new ManualTimeSource();
        BreakerStateMachine m = new BreakerStateMachine("send", TestSupport.settings("half.open.probes", 3), clock,
                new TestSupport.RecordingSink(), null);
        m.openFor(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        runTogether(() -> {
            for (int i = 0; i < 1_000; i++) {
                try {
                    m.acquire(clock.nanoTime());
                    admitted.incrementAndGet();
                } catch (CallNotPermittedException e) {
                    rejected.incrementAndGet();
                }
            }
        });
        assertEquals(3, admitted.get());
        assertEquals(THREADS * 1_000 - 3, rejected.get());
        assertEquals(CircuitBreakerState.HALF_OPEN, m.state());
    }

    @RepeatedTest(5)
    void everyOutcomeIsCountedOnceAndTheBreakerTripsOnce() throws InterruptedException {
        ManualTimeSource clock = new ManualTimeSource();
        TestSupport.RecordingSink sink = new TestSupport.RecordingSink();
        BreakerStateMachine m = new BreakerStateMachine("send", TestSupport.settings("failure.consecutive.threshold", 0,
                "failure.rate.threshold", 50, "window.size", 1000, "window.minimum.calls", 1000), clock, sink, null);
        AtomicInteger rejected = new AtomicInteger();
        runTogether(() -> {
            for (int i = 0; i < 5_000; i++) {
                try {
                    BreakerState s = m.acquire(clock.nanoTime());
                    m.onResult(s, i % 4 == 0 ? null : new IOException("down"), 1, clock.nanoTime());
                } catch (CallNotPermittedException e) {
                    rejected.incrementAndGet();
                }
            }
        });
        double counted = m.metrics().value("successes") + m.metrics().value("failures");
        assertEquals(THREADS * 5_000, counted + rejected.get());
        assertEquals(1, sink.transitions.size(), sink.transitions.toString());
        assertEquals(CircuitBreakerState.OPEN, m.state());
    }
}
