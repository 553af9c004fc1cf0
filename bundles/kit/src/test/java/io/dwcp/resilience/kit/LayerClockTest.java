package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LayerClockTest {

    @Test
    void readsTheRegisteredClockWhileThereIsOneAndTheJvmsOtherwise() throws InterruptedException {
        AtomicReference<TimeSource> registered = new AtomicReference<>();
        LayerClock clock = new LayerClock(registered::get);
        long before = System.nanoTime();
        assertTrue(clock.nanoTime() >= before, "the JVM's clock while none is registered");

        ManualTimeSource manual = new ManualTimeSource(5_000, 42);
        registered.set(manual);
        assertEquals(5_000, clock.nanoTime());
        assertEquals(42, clock.currentTimeMillis());
        clock.sleepUntil(5_000 + Duration.ofHours(1).toNanos()); // the test clock moves itself: no real wait
        assertEquals(5_000 + Duration.ofHours(1).toNanos(), manual.nanoTime());

        registered.set(null);
        assertTrue(clock.nanoTime() >= before, "back to the JVM's clock once it is gone");
    }
}
