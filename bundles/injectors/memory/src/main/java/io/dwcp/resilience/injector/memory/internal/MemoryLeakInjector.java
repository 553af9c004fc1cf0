package io.dwcp.resilience.injector.memory.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code memory} fault injector, a memory leak on purpose: each injection retains one more step of heap, then lets the call
 * proceed. It stops growing at the cap, and takes no step that would push used heap past
 * {@code (100 - safety margin) %} of the maximum heap, so chaos degrades the node without killing
 * it. {@link #revert()} drops every retained step at once for the collector to reclaim.
 */
@Component(configurationPid = MemoryLeakInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + MemoryLeakInjector.NAME)
@Designate(ocd = MemoryLeakInjector.Config.class)
public final class MemoryLeakInjector extends ConfiguredInjector<MemoryLeakInjector.Settings> {

    static final String PID = "dwcp.injector.memory";
    static final String NAME = "memory";
    private static final long MIB = 1L << 20;

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: memory", description = "Each injection retains one "
            + "more step of heap, up to a cap and never past a safety margin of the maximum heap; everything is released "
            + "on disarm or bundle stop. The call itself proceeds.")
    @interface Config {
        @AttributeDefinition(name = "Step (MiB)", min = "1", max = "1024", description = "Heap retained per injection.")
        int step_mb() default 16;

        @AttributeDefinition(name = "Cap (MiB)", min = "1", max = "65536", description = "Most heap retained in all.")
        int cap_mb() default 256;

        @AttributeDefinition(name = "Safety margin (%)", min = "5", max = "90",
                description = "No step is taken that would bring used heap within this share of the maximum heap.")
        int safety_margin_percent() default 25;
    }

    /** Retained per injection, most retained in all, share of the maximum heap never used by a step. */
    record Settings(int stepBytes, long capBytes, int safetyMarginPercent) {
    }

    private final HeapGauge heap;

    private final List<byte[]> retained = new ArrayList<>(); // guarded by this
    private long retainedBytes; // guarded by this
    private final LongAdder steps = new LongAdder();
    private final LongAdder capped = new LongAdder();
    private final LongAdder marginRefusals = new LongAdder();

    public MemoryLeakInjector() {
        this(HeapGauge.JVM);
    }

    MemoryLeakInjector(HeapGauge heap) {
        super(PID, NAME);
        this.heap = heap;
    }

    @Override
    protected Settings read(ConfigReader config) {
        Config c = config.typed(Config.class);
        int stepMb = c.step_mb();
        int capMb = c.cap_mb();
        if (capMb < stepMb) {
            throw config.refuse("cap.mb", capMb, "must be at least step.mb=" + stepMb);
        }
        // 1024 MiB does not fit an int of bytes: the largest step is one byte short of it.
        long step = Math.min(stepMb * MIB, Integer.MAX_VALUE - 8);
        return new Settings((int) step, capMb * MIB, c.safety_margin_percent());
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        step();
        return next.proceed(inv);
    }

    /** @return whether a step was taken */
    synchronized boolean step() {
        Settings s = settings();
        int step = s.stepBytes();
        if (retainedBytes + step > s.capBytes()) {
            capped.increment();
            return false;
        }
        long ceiling = heap.max() / 100 * (100 - s.safetyMarginPercent());
        if (heap.used() + step > ceiling) {
            marginRefusals.increment();
            return false;
        }
        byte[] chunk = new byte[step];
        for (int i = 0; i < chunk.length; i += 4096) {
            chunk[i] = 1; // touch every page: retained means resident, not merely reserved
        }
        retained.add(chunk);
        retainedBytes += step;
        steps.increment();
        return true;
    }

    /** Releases everything retained. */
    @Override
    public synchronized void revert() {
        retained.clear();
        retainedBytes = 0;
    }

    synchronized long retainedBytes() {
        return retainedBytes;
    }

    synchronized int retainedChunks() {
        return retained.size();
    }

    /** For tests: the newest retained chunk, or {@code null}. */
    synchronized byte[] newestChunk() {
        return retained.isEmpty() ? null : retained.get(retained.size() - 1);
    }

    /** For tests: the retained chunks, oldest first (a copy of the list, the chunks themselves). */
    synchronized List<byte[]> chunks() {
        return new ArrayList<>(retained);
    }

    long steps() {
        return steps.sum();
    }

    long capped() {
        return capped.sum();
    }

    long marginRefusals() {
        return marginRefusals.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("retainedBytes", retainedBytes());
        values.put("steps", steps());
        values.put("capped", capped());
        values.put("marginRefusals", marginRefusals());
        return snapshot(values);
    }
}
