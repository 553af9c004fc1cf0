package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two threads call while a third swaps the circuit-breaker stage over and over (new provider in with a
 * higher ranking, then the old one out). With the policy for a missing breaker set to reject, a single
 * moment without a breaker would fail a call. Every call must succeed and pass exactly one breaker.
 */
class HotSwapStressTest {

    private static final int CALLS_PER_THREAD = 20_000;
    private static final int SWAPS = 500;

    /** Counts the calls it let through. */
    static final class CountingStage implements Stage {
        final AtomicLong passed = new AtomicLong();

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            passed.incrementAndGet();
            return next.proceed(inv);
        }
    }

    @Test
    void concurrentSwapsLoseNoCallAndNeverLeaveAGap() throws Exception {
        ChainManager manager = Fixtures.manager(new Fixtures.RecordingLog());
        manager.configure(MissingStagePolicies.parse("dwcp.manager", "bypass",
                new String[] {"send:circuit-breaker=reject"}), 256);
        List<CountingStage> all = new ArrayList<>();
        CountingStage first = new CountingStage();
        all.add(first);
        manager.addStage(Fixtures.registration(first, StageKind.CIRCUIT_BREAKER, 0, 1L, "send"));

        java.util.concurrent.atomic.AtomicBoolean swapsDone = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<long[]>> callers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                callers.add(pool.submit(() -> {
                    long ok = 0;
                    long failed = 0;
                    // Call until the swaps are over, so that calls and swaps really overlap.
                    for (int i = 0; i < CALLS_PER_THREAD || !swapsDone.get(); i++) {
                        try {
                            if ("ok".equals(manager.execute("send", inv -> "ok"))) {
                                ok++;
                            }
                        } catch (Exception e) {
                            failed++;
                        }
                    }
                    return new long[] {ok, failed};
                }));
            }
            Future<?> swapper = pool.submit(() -> {
                for (int s = 0; s < SWAPS; s++) {
                    CountingStage next = new CountingStage();
                    synchronized (all) {
                        all.add(next);
                    }
                    long id = s + 2L;
                    manager.addStage(Fixtures.registration(next, StageKind.CIRCUIT_BREAKER, s + 1, id, "send"));
                    manager.removeStage(id - 1);
                }
                swapsDone.set(true);
                return null;
            });
            long ok = 0;
            long failed = 0;
            for (Future<long[]> f : callers) {
                long[] r = f.get(120, TimeUnit.SECONDS);
                ok += r[0];
                failed += r[1];
            }
            swapper.get(120, TimeUnit.SECONDS);

            assertEquals(0, failed, "calls failed during swaps");
            assertTrue(ok >= 2L * CALLS_PER_THREAD);
            long passedBreakers = all.stream().mapToLong(s -> s.passed.get()).sum();
            assertEquals(ok, passedBreakers, "every call passed exactly one breaker");
            assertEquals(SWAPS + 1L, manager.chain("send").stages().get(0).serviceId());
            assertEquals(ok, manager.metrics("send").successes());
            assertTrue(manager.chain("send").accepting());
        } finally {
            pool.shutdownNow();
        }
    }
}
