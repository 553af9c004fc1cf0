package io.dwcp.resilience.injector.memory.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A memory leak on purpose: each injection retains one more step of heap, then lets the call
 * proceed. It stops growing at the cap, and takes no step that would push used heap past
 * {@code (100 - safety margin) %} of the maximum heap, so chaos degrades the node without killing
 * it. {@link #revert()} drops every retained step at once for the collector to reclaim.
 */
final class MemoryLeakInjector {

    static final String NAME = "memory";

    private final HeapGauge heap;
    private volatile MemorySettings settings;

    private final List<byte[]> retained = new ArrayList<>(); // guarded by this
    private long retainedBytes; // guarded by this
    private final LongAdder steps = new LongAdder();
    private final LongAdder capped = new LongAdder();
    private final LongAdder marginRefusals = new LongAdder();

    MemoryLeakInjector(HeapGauge heap, MemorySettings settings) {
        this.heap = heap;
        this.settings = settings;
    }

    void update(MemorySettings next) {
        settings = next;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        step();
        return next.proceed(inv);
    }

    /** @return whether a step was taken */
    synchronized boolean step() {
        MemorySettings s = settings;
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
    synchronized void revert() {
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
}
