package io.dwcp.resilience.manager.internal;

import static io.dwcp.resilience.manager.internal.Fixtures.registration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Invocation#operationEndNanos()}: a successful call reads the clock twice (start, the
 * operation's end), stages and observers share the second reading, and a reading is never taken
 * from an earlier proceed.
 */
class OperationEndTest {

    /** A clock that moves 100 ns at every read, and counts the reads. */
    static final class CountingClock implements TimeSource {
        long now = 1_000;
        int reads;

        @Override
        public long nanoTime() {
            reads++;
            return now += 100;
        }

        @Override
        public long currentTimeMillis() {
            return 0;
        }
    }

    /** Records what operationEndNanos() answers after its proceed returned or threw. */
    static final class EndReadingStage implements Stage {
        final List<Long> ends = new ArrayList<>();

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            try {
                return next.proceed(inv);
            } finally {
                ends.add(inv.operationEndNanos());
            }
        }
    }

    private final ChainManager manager = Fixtures.manager(new Fixtures.RecordingLog());
    private final CountingClock clock = new CountingClock();

    @Test
    void aSuccessfulCallReadsTheClockTwiceAndEveryoneSharesTheEnd() throws Exception {
        manager.setClock(clock);
        EndReadingStage outer = new EndReadingStage();
        EndReadingStage inner = new EndReadingStage();
        manager.addStage(registration(outer, StageKind.BULKHEAD, 0));
        manager.addStage(registration(inner, StageKind.TIMEOUT, 0));
        List<Long> latencies = new ArrayList<>();
        manager.addObserver(1L, (inv, outcome, latency, failure) -> latencies.add(latency), Set.of());

        int before = clock.reads;
        long t = clock.now;
        assertEquals("ok", manager.execute("send", inv -> "ok"));

        assertEquals(2, clock.reads - before, "clock reads of one successful call");
        assertEquals(List.of(t + 200), inner.ends); // start read t + 100, end read t + 200
        assertEquals(List.of(t + 200), outer.ends);
        assertEquals(List.of(100L), latencies);
    }

    @Test
    void theEndOfAFailedOperationIsSharedToo() throws Exception {
        manager.setClock(clock);
        EndReadingStage stage = new EndReadingStage();
        manager.addStage(registration(stage, StageKind.RETRY, 0));
        int before = clock.reads;
        long t = clock.now;
        assertThrows(IllegalStateException.class, () -> manager.execute("send", inv -> {
            throw new IllegalStateException("down");
        }));
        assertEquals(2, clock.reads - before);
        assertEquals(List.of(t + 200), stage.ends);
    }

    @Test
    void anInnerRefusalAfterAnEarlierAttemptReadsTheClockInsteadOfTheStaleEnd() throws Exception {
        manager.setClock(clock);
        List<Long> ends = new ArrayList<>();
        Stage twoAttempts = new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                next.proceed(inv); // reaches the operation
                ends.add(inv.operationEndNanos());
                try {
                    return next.proceed(inv); // refused inside
                } finally {
                    ends.add(inv.operationEndNanos());
                }
            }
        };
        Stage refuseSecond = new Stage() {
            int calls;

            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                if (++calls == 2) {
                    throw new CallNotPermittedException("send", "OPEN", "");
                }
                return next.proceed(inv);
            }
        };
        manager.addStage(registration(twoAttempts, StageKind.RETRY, 0));
        manager.addStage(registration(refuseSecond, StageKind.TIMEOUT, 0));
        List<Long> latencies = new ArrayList<>();
        manager.addObserver(1L, (inv, outcome, latency, failure) -> latencies.add(latency), Set.of());

        long t = clock.now;
        assertThrows(CallNotPermittedException.class, () -> manager.execute("send", inv -> "ok"));

        // start t + 100, operation end t + 200, the stage's read after the refusal t + 300, the manager's t + 400
        assertEquals(List.of(t + 200, t + 300), ends);
        assertEquals(List.of(300L), latencies);
    }

    @Test
    void beforeProceedingAStageReadsTheClockNotThePreviousCallsEnd() throws Exception {
        manager.setClock(clock);
        List<Long> seen = new ArrayList<>();
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                seen.add(inv.operationEndNanos());
                return next.proceed(inv);
            }
        }, StageKind.RETRY, 0));
        long t = clock.now;
        manager.execute("send", inv -> "ok"); // start t + 100, stage t + 200, end t + 300
        manager.execute("send", inv -> "ok"); // start t + 400, stage t + 500, end t + 600
        assertEquals(List.of(t + 200, t + 500), seen);
    }

    @Test
    void aDetachedCopyDoesNotLendItsEndToTheOriginal() throws Exception {
        manager.setClock(clock);
        List<Long> ends = new ArrayList<>();
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                T result = next.proceed(inv.detach());
                ends.add(inv.operationEndNanos());
                return result;
            }
        }, StageKind.TIMEOUT, 0));
        List<Long> latencies = new ArrayList<>();
        manager.addObserver(1L, (inv, outcome, latency, failure) -> latencies.add(latency), Set.of());
        long t = clock.now;
        manager.execute("send", inv -> "ok"); // start t + 100, copy's end t + 200, stage t + 300, manager t + 400
        assertEquals(List.of(t + 300), ends);
        assertEquals(List.of(300L), latencies);
    }
}
