package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.transport.internal.DedupWindow.Verdict;
import org.junit.jupiter.api.Test;

class DedupWindowTest {

    @Test
    void remembersTheNewestIdsAndRefusesForgottenOnesAsStale() {
        DedupWindow w = new DedupWindow(3);
        for (long id = 1; id <= 5; id++) {
            assertEquals(Verdict.NEW, w.check(id));
            w.record(id);
        }
        assertEquals(Verdict.DUPLICATE, w.check(5));
        assertEquals(Verdict.DUPLICATE, w.check(3));
        assertEquals(Verdict.STALE, w.check(2)); // forgotten: it may have been delivered
        assertEquals(Verdict.NEW, w.check(6));
        w.resize(1);
        assertEquals(Verdict.STALE, w.check(4));
        assertEquals(Verdict.DUPLICATE, w.check(5));
    }
}
