package io.dwcp.resilience.injector.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryLeakInjectorTest {

    private static final long MIB = 1L << 20;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger proceeded = new AtomicInteger();

    /** A heap of {@code maxMb} whose use is a base load plus what the injector retains. */
    private static final class FakeHeap implements HeapGauge {
        final long max;
        final long base;
        MemoryLeakInjector injector;

        FakeHeap(long maxMb, long baseMb) {
            this.max = maxMb * MIB;
            this.base = baseMb * MIB;
        }

        @Override
        public long max() {
            return max;
        }

        @Override
        public long used() {
            return base + injector.retainedBytes();
        }
    }

    private MemoryLeakInjector injector(FakeHeap heap, int stepMb, int capMb, int margin) {
        heap.injector = configured(new MemoryLeakInjector(heap), stepMb, capMb, margin);
        return heap.injector;
    }

    private static MemoryLeakInjector configured(MemoryLeakInjector injector, int stepMb, int capMb, int margin) {
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("step.mb", stepMb, "cap.mb", capMb, "safety.margin.percent", margin));
        return injector;
    }

    private void inject(MemoryLeakInjector injector, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            injector.inject(new TestInvocation("send", clock), inv -> proceeded.incrementAndGet());
        }
    }

    @Test
    void growsInStepsToTheCapAndNoFurther() throws Exception {
        MemoryLeakInjector injector = injector(new FakeHeap(10_000, 100), 1, 4, 25);
        inject(injector, 2);
        assertEquals(2 * MIB, injector.retainedBytes());
        inject(injector, 8);
        assertEquals(4 * MIB, injector.retainedBytes(), "capped at 4 MiB");
        assertEquals(4, injector.retainedChunks());
        assertEquals(4 * MIB, (long) injector.newestChunk().length * injector.retainedChunks());
        assertEquals(6, injector.capped());
        assertEquals(10, proceeded.get(), "every call proceeds: the fault is the leak");
    }

    @Test
    void neverTakesAStepPastTheSafetyMargin() throws Exception {
        // 100 MiB heap, 70 used by others, 25 % margin: at most 75 MiB used, so 5 steps of 1 MiB
        MemoryLeakInjector injector = injector(new FakeHeap(100, 70), 1, 64, 25);
        inject(injector, 20);
        assertEquals(5 * MIB, injector.retainedBytes());
        assertEquals(15, injector.marginRefusals());
    }

    @Test
    void revertReleasesEverythingForTheCollector() throws Exception {
        MemoryLeakInjector injector = injector(new FakeHeap(10_000, 100), 2, 8, 25);
        inject(injector, 4);
        assertEquals(8 * MIB, injector.retainedBytes());
        WeakReference<byte[]> chunk = new WeakReference<>(injector.newestChunk());

        injector.revert();
        assertEquals(0, injector.retainedBytes(), "retained bytes back to baseline");
        assertEquals(0, injector.retainedChunks());
        for (int i = 0; i < 20 && chunk.get() != null; i++) {
            System.gc();
        }
        assertNull(chunk.get(), "the collector reclaimed what was retained");

        inject(injector, 1);
        assertEquals(2 * MIB, injector.retainedBytes(), "a later arming leaks afresh");
    }

    @Test
    void onTheRealHeapItGrowsToTheCap() throws Exception {
        // the JVM's own gauge: the margin check reads the real heap, which has room for 3 MiB
        MemoryLeakInjector injector = configured(new MemoryLeakInjector(HeapGauge.JVM), 1, 3, 10);
        inject(injector, 5);
        assertEquals(3 * MIB, injector.retainedBytes());
        assertEquals(0, injector.marginRefusals(), "the real heap's margin refused a step");
        assertEquals(2, injector.capped(), "the 4th and 5th steps would pass the cap");
        // the leak is real: three 1 MiB arrays that only the injector holds survive collections ...
        List<WeakReference<byte[]>> chunks = new ArrayList<>();
        for (byte[] chunk : injector.chunks()) {
            assertEquals(MIB, chunk.length);
            chunks.add(new WeakReference<>(chunk));
        }
        assertEquals(3, chunks.size());
        collect(chunks);
        for (WeakReference<byte[]> chunk : chunks) {
            assertNotNull(chunk.get(), "a retained chunk was collected while the injector was armed");
        }
        // ... and go once it reverts
        injector.revert();
        assertEquals(0, injector.retainedBytes());
        collect(chunks);
        for (WeakReference<byte[]> chunk : chunks) {
            assertNull(chunk.get(), "a chunk outlived revert()");
        }
    }

    /** Runs the collector until every reference is cleared, or 20 times. */
    private static void collect(List<WeakReference<byte[]>> chunks) {
        for (int i = 0; i < 20 && chunks.stream().anyMatch(c -> c.get() != null); i++) {
            System.gc();
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertEquals("step.mb", refused(0, 256, 25).key());
        assertEquals("step.mb", refused(-16, 256, 25).key());
        assertEquals("cap.mb", refused(16, 8, 25).key());
        assertEquals("safety.margin.percent", refused(16, 256, 2).key());
        assertFalse(configured(new MemoryLeakInjector(), 1024, 2048, 25).settings().stepBytes() <= 0,
                "the largest step fits an array");
    }

    private static InvalidConfigurationException refused(int stepMb, int capMb, int margin) {
        return assertThrows(InvalidConfigurationException.class,
                () -> configured(new MemoryLeakInjector(), stepMb, capMb, margin));
    }
}
