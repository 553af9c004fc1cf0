package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Calling threads record into their own counters ({@link DegradationEngine#caller}): a tick after
 * they stopped counts every call exactly, whether the threads still run or have ended, and a caller
 * bound before new settings records into the new window.
 */
class CallerSignalsTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private DegradationEngine engine() {
        return new DegradationEngine(clock, DegradationSettings.from(Configs.of("dwcp.degradation", Map.of())),
                change -> { });
    }

    private void tick(DegradationEngine engine) {
        clock.advance(Duration.ofSeconds(1));
        engine.tick();
    }

    @Test
    void threadsRecordingAtOnceAreCountedExactly() throws Exception {
        DegradationEngine engine = engine();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                DegradationEngine.Caller caller = engine.caller("send");
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    caller.record(i % 10 == 0 ? CallOutcome.FAILURE : CallOutcome.SUCCESS, 1_000L);
                }
            });
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        engine.onCall("send", CallOutcome.SUCCESS, 1_000L); // and one through the shared path, this thread
        for (Thread t : threads) {
            t.join();
        }
        tick(engine);
        WindowFigures w = engine.window("send").orElseThrow();
        assertEquals(200_001, w.calls());
        assertEquals(20_000, w.errors());
    }

    @Test
    void aCallerBoundBeforeNewSettingsRecordsIntoTheNewWindow() {
        DegradationEngine engine = engine();
        DegradationEngine.Caller caller = engine.caller("send");
        for (int i = 0; i < 30; i++) {
            caller.record(CallOutcome.SUCCESS, 1_000L);
        }
        engine.update(DegradationSettings.from(Configs.of("dwcp.degradation", Map.of("window_ms", 2_000L))));
        for (int i = 0; i < 50; i++) {
            caller.record(CallOutcome.FAILURE, 1_000L);
        }
        tick(engine);
        WindowFigures w = engine.window("send").orElseThrow();
        assertEquals(50, w.calls(), "the window starts afresh with the new settings and sees the bound caller's calls");
        assertEquals(50, w.errors());
    }
}
