package io.dwcp.resilience.injector.cpu.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;

/**
 * Starts a CPU spike when it fires, unless one is already running, and lets the call proceed: the
 * fault is the load on the node, felt by every call. A spike ends by itself after its duration;
 * {@link #revert()} stops it at once and waits for its threads to end.
 */
final class CpuSpikeInjector {

    static final String NAME = "cpu";

    private final ThreadFactory threads;
    private volatile CpuSettings settings;
    private CpuSpike spike; // guarded by this
    private final LongAdder spikes = new LongAdder();
    private volatile boolean closed;

    CpuSpikeInjector(ThreadFactory threads, CpuSettings settings) {
        this.threads = threads;
        this.settings = settings;
    }

    void update(CpuSettings next) {
        settings = next;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        ensureSpike();
        return next.proceed(inv);
    }

    private synchronized void ensureSpike() {
        if (closed || (spike != null && spike.alive())) {
            return;
        }
        spike = new CpuSpike(settings, threads);
        spikes.increment();
    }

    /**
     * Stops the running spike and waits for its threads.
     *
     * @return whether no spike thread is left
     */
    synchronized boolean revert() {
        CpuSpike s = spike;
        spike = null;
        return s == null || s.stop();
    }

    /** Reverts for good: the bundle is stopping. */
    synchronized void close() {
        closed = true;
        revert();
    }

    synchronized int liveThreads() {
        return spike == null ? 0 : spike.liveThreads();
    }

    long spikes() {
        return spikes.sum();
    }
}
