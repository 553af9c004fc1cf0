package io.dwcp.resilience.injector.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuInjectorTest {

    private static final String PREFIX = "test-chaos-cpu-";

    private final AtomicInteger made = new AtomicInteger();
    private final ThreadFactory factory = r -> new Thread(r, PREFIX + made.incrementAndGet());
    private CpuInjector injector;

    @AfterEach
    void stop() {
        if (injector != null) {
            injector.deactivate();
        }
    }

    private CpuInjector injector(int threads, int utilisation, long durationMs, long periodMs) {
        CpuInjector injector = new CpuInjector(factory);
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("threads", threads, "utilisation.percent", utilisation, "duration.ms", durationMs,
                "period.ms", periodMs));
        return injector;
    }

    /** Measured from the JVM, not from the injector's own bookkeeping. */
    private static long liveSpikeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(PREFIX) && t.isAlive()).count();
    }

    @Test
    void aSpikeRunsItsThreadsAndTheKillSwitchStopsThemAll() throws Exception {
        injector = injector(3, 50, 600_000, 100);
        assertEquals("ok", injector.inject(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok"));
        assertEquals(3, liveSpikeThreads());
        assertEquals(3, injector.liveThreads());

        injector.inject(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok");
        assertEquals(3, made.get(), "a second injection while a spike runs starts no more threads");
        assertEquals(1, injector.spikes());

        assertTrue(injector.stopSpike());
        assertEquals(0, liveSpikeThreads(), "no injector thread left after the kill switch");
        assertEquals(0, injector.liveThreads());
    }

    @Test
    void aSpikeEndsByItselfAfterItsDuration() throws Exception {
        injector = injector(2, 100, 1, 10);
        injector.inject(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(PREFIX)) {
                t.join(60_000);
            }
        }
        assertEquals(0, liveSpikeThreads());
        injector.inject(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok");
        assertEquals(2, injector.spikes(), "a later injection starts a new spike");
    }

    @Test
    void afterCloseNoSpikeStarts() throws Exception {
        injector = injector(1, 10, 600_000, 100);
        injector.deactivate();
        injector.inject(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok");
        assertEquals(0, made.get());
    }

    @Test
    void theBusyShareOfAPeriodFollowsTheUtilisation() {
        assertEquals(80_000_000L, injector(1, 80, 1000, 100).settings().busyNanos());
        assertEquals(10_000_000L, injector(1, 100, 1000, 10).settings().busyNanos());
    }

    @Test
    void badSettingsAreRefused() {
        assertEquals("threads", assertThrows(InvalidConfigurationException.class, () -> injector(0, 80, 1000, 100)).key());
        assertEquals("utilisation.percent", assertThrows(InvalidConfigurationException.class,
                () -> injector(1, 101, 1000, 100)).key());
        assertEquals("duration.ms", assertThrows(InvalidConfigurationException.class,
                () -> injector(1, 80, -1, 100)).key());
        assertEquals("period.ms", assertThrows(InvalidConfigurationException.class,
                () -> injector(1, 80, 1000, 5)).key());
    }
}
