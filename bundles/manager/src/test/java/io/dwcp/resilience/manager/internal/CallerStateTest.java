package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Each calling thread records its own latencies and calls its own observers
 * ({@link CallObserver#forCaller}): the totals are exact once the callers stop, whether they still
 * run or have ended, and observers that come and go are bound again.
 */
class CallerStateTest {

    private final Fixtures.RecordingLog log = new Fixtures.RecordingLog();
    private final ChainManager manager = Fixtures.manager(log);

    /** Counts forCaller requests and the calls each per-thread observer saw. */
    static final class PerCallerObserver implements CallObserver {
        final AtomicInteger bound = new AtomicInteger();
        final AtomicLong sharedCalls = new AtomicLong();
        final List<long[]> handles = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<Thread> boundOn = ConcurrentHashMap.newKeySet();

        @Override
        public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
            sharedCalls.incrementAndGet();
        }

        @Override
        public CallObserver forCaller(String operation) {
            assertEquals("send", operation);
            bound.incrementAndGet();
            boundOn.add(Thread.currentThread());
            long[] mine = new long[1];
            handles.add(mine);
            Thread owner = Thread.currentThread();
            return (inv, outcome, latency, failure) -> {
                if (Thread.currentThread() != owner) {
                    throw new AssertionError("a per-caller observer called from another thread");
                }
                mine[0]++;
            };
        }

        long handleCalls() {
            synchronized (handles) {
                return handles.stream().mapToLong(h -> h[0]).sum();
            }
        }
    }

    private void callFrom(int threads, int callsEach) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < callsEach; i++) {
                        manager.execute("send", inv -> "ok");
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            all.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread t : all) {
            t.join();
        }
    }

    @Test
    void threadsThatCalledAndEndedAreCountedExactly() throws Exception {
        callFrom(4, 20_000);
        manager.execute("send", inv -> "ok"); // and this thread, still running
        OperationMetrics m = manager.metrics("send");
        assertEquals(80_001, m.calls());
        assertEquals(80_001, m.successes());
        assertEquals(80_001, m.latency().count());
        callFrom(3, 1_000); // new threads after the first ones' cells were retired
        assertEquals(83_001, manager.metrics("send").latency().count());
    }

    @Test
    void everyThreadBindsItsOwnObserverOnceAndItSeesEveryCall() throws Exception {
        PerCallerObserver observer = new PerCallerObserver();
        manager.addObserver(1L, observer, Set.of());
        callFrom(3, 500);
        assertEquals(3, observer.bound.get(), "one forCaller per thread");
        assertEquals(3, observer.boundOn.size());
        assertEquals(1_500, observer.handleCalls());
        assertEquals(0, observer.sharedCalls.get(), "the shared observer is not called beside its per-caller ones");
    }

    @Test
    void observersThatComeAndGoAreBoundAgain() throws Exception {
        PerCallerObserver first = new PerCallerObserver();
        manager.addObserver(1L, first, Set.of());
        manager.execute("send", inv -> "ok");
        manager.execute("send", inv -> "ok");
        assertEquals(1, first.bound.get());
        assertEquals(2, first.handleCalls());

        PerCallerObserver second = new PerCallerObserver();
        manager.removeObserver(1L);
        manager.addObserver(2L, second, Set.of());
        manager.execute("send", inv -> "ok");
        assertEquals(2, first.handleCalls(), "a removed observer learns nothing more");
        assertEquals(1, second.bound.get());
        assertEquals(1, second.handleCalls());

        manager.addObserver(1L, first, Set.of()); // back, beside the second
        manager.execute("send", inv -> "ok");
        assertEquals(2, first.bound.get(), "bound again after the observers changed");
        assertEquals(3, first.handleCalls());
        assertEquals(2, second.handleCalls());
    }

    @Test
    void aFailingForCallerLeavesTheSharedObserverServingAndIsReported() throws Exception {
        AtomicLong calls = new AtomicLong();
        manager.addObserver(1L, new CallObserver() {
            @Override
            public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
                calls.incrementAndGet();
            }

            @Override
            public CallObserver forCaller(String operation) {
                throw new IllegalStateException("forCaller bug");
            }
        }, Set.of());
        manager.execute("send", inv -> "ok");
        manager.execute("send", inv -> "ok");
        assertEquals(2, calls.get());
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("forCaller bug")), log.lines.toString());
    }

    /** The thread's last operation is remembered by identity: equal names from other Strings, and other operations, still find theirs. */
    @Test
    void operationsAreFoundWhateverStringNamesThem() throws Exception {
        String send = new String("send");
        for (int i = 0; i < 3; i++) {
            manager.execute("send", inv -> "ok");
            manager.execute(send, inv -> "ok");
            manager.execute("receive", inv -> "ok");
        }
        assertEquals(6, manager.metrics("send").calls());
        assertEquals(3, manager.metrics("receive").calls());
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> manager.execute(null, inv -> "ok"));
    }

    /**
     * Pools are found by the low bits of the thread id first: two live threads whose ids share a slot
     * must each still get their own pool (invocations, histogram, per-caller observers), and a thread
     * that ended hands its slot on.
     */
    @Test
    void threadsWhoseIdsShareASlotEachUseTheirOwnPool() throws Exception {
        PerCallerObserver observer = new PerCallerObserver();
        manager.addObserver(1L, observer, Set.of());
        CountDownLatch bothStarted = new CountDownLatch(2);
        List<Set<Object>> seen = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Set<Object> mine = seen.get(t);
            Runnable calls = () -> {
                bothStarted.countDown();
                try {
                    bothStarted.await();
                    for (int i = 0; i < 2_000; i++) {
                        manager.execute("send", inv -> mine.add(inv));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            Thread thread = new Thread(calls);
            // the second caller: the next thread whose id has the first's low bits (ids only grow)
            while (t == 1 && (thread.getId() & 255) != (threads.get(0).getId() & 255)) {
                thread = new Thread(calls);
            }
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(java.util.Collections.disjoint(seen.get(0), seen.get(1)), "an invocation used by both threads");
        assertEquals(4_000, manager.metrics("send").calls());
        assertEquals(4_000, observer.handleCalls());
        assertEquals(2, observer.bound.get(), "one per-caller observer per thread");

        callFrom(1, 10); // a later thread may take an ended thread's slot: still counted exactly
        assertEquals(4_010, manager.metrics("send").calls());
    }
}
