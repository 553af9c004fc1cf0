package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.testkit.TestInvocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SemaphoreBulkheadTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private SemaphoreBulkhead bulkhead(int max) {
        return new SemaphoreBulkhead("send", new SemaphoreBulkheadSettings("send", max), clock, 0);
    }

    private TestInvocation inv() {
        return new TestInvocation("send", clock);
    }

    @Test
    void admitsUpToMaxThenRejectsAtOnce() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(2);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        holders.enter(bulkhead::execute, inv());
        assertEquals(2, bulkhead.active());

        BulkheadFullException e = assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "never"));
        assertEquals("send", e.operation());
        assertTrue(e.isRejection());
        assertTrue(e.getMessage().contains("2 of 2 concurrent calls"), e.getMessage());
        assertEquals(1, bulkhead.rejected());

        holders.releaseAll();
        assertEquals(0, bulkhead.active());
        assertEquals("ok", bulkhead.execute(inv(), i -> "ok"));
    }

    @Test
    void permitComesBackAfterExceptionErrorAndInnerRejection() {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        IOException io = new IOException("peer gone");
        assertSame(io, assertThrows(IOException.class, () -> bulkhead.execute(inv(), i -> {
            throw io;
        })));
        assertThrows(StackOverflowError.class, () -> bulkhead.execute(inv(), i -> {
            throw new StackOverflowError();
        }));
        assertThrows(CallNotPermittedException.class, () -> bulkhead.execute(inv(), i -> {
            throw new CallNotPermittedException("send", "OPEN", "");
        }));
        assertEquals(0, bulkhead.active());
        assertEquals(0, bulkhead.rejected(), "failures inside are not the bulkhead's rejections");
    }

    @Test
    void growingAdmitsMoreAtOnce() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));

        bulkhead.resize(new SemaphoreBulkheadSettings("send", 2));
        assertEquals("in", bulkhead.execute(inv(), i -> "in"));
        holders.releaseAll();
        assertEquals(0, bulkhead.active());
    }

    @Test
    void shrinkingBelowTheCallsInFlightRejectsUntilTheyDropBelowTheNewLimit() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(3);
        Holders holders = new Holders();
        for (int i = 0; i < 3; i++) {
            holders.enter(bulkhead::execute, inv());
        }
        bulkhead.resize(new SemaphoreBulkheadSettings("send", 1));
        assertEquals(3, bulkhead.active(), "calls in flight keep their permits");
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));

        holders.releaseAll();
        assertEquals(0, bulkhead.active());
        Holders next = new Holders();
        next.enter(bulkhead::execute, inv());
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"), "the new limit holds");
        next.releaseAll();
    }

    @Test
    void averageExecutionTimeIsMeasuredOnTheChainsClock() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(4);
        bulkhead.execute(inv(), i -> clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(10)));
        bulkhead.execute(inv(), i -> clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(30)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(20), bulkhead.averageExecutionNanos(), 0.0);
    }

    @Test
    void metricsNameTheOperationAndTheFigures() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(4);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        MetricsSnapshot snapshot = bulkhead.metrics();
        assertEquals("bulkhead", snapshot.source());
        assertEquals("send", snapshot.operation());
        assertEquals(1, snapshot.value("active"));
        assertEquals(4, snapshot.value("maxConcurrentCalls"));
        assertEquals(3, snapshot.value("available"));
        assertEquals(0.25, snapshot.value("utilisation"));
        assertEquals(0, snapshot.value("queued"));
        assertEquals(0, snapshot.value("rejected"));
        assertEquals(clock.currentTimeMillis(), snapshot.timestampMillis());
        holders.releaseAll();
    }
}
