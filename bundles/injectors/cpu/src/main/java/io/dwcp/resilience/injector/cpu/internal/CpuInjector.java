package io.dwcp.resilience.injector.cpu.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code cpu} fault injector: starts a {@link CpuSpike} when it fires, unless one is already
 * running, and lets the call proceed: the fault is the load on the node, felt by every call. A spike
 * ends by itself after its duration; {@link #revert()} stops it at once and waits for its threads.
 */
@Component(configurationPid = CpuInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + CpuInjector.NAME)
@Designate(ocd = CpuInjector.Config.class)
public final class CpuInjector extends ConfiguredInjector<CpuInjector.Settings> {

    static final String PID = "dwcp.injector.cpu";
    static final String NAME = "cpu";
    /** Prefix of every spike thread's name, so an operator can find them in a thread dump. */
    static final String THREAD_PREFIX = "dwcp-chaos-cpu-";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: cpu", description = "Starts a CPU spike: N busy "
            + "threads at a target utilisation for a bounded time. The call itself proceeds.")
    @interface Config {
        @AttributeDefinition(name = "Threads", min = "1", max = "64", description = "Busy threads of a spike.")
        int threads() default 1;

        @AttributeDefinition(name = "Utilisation (%)", min = "1", max = "100",
                description = "Share of each period a thread spends spinning.")
        int utilisation_percent() default 80;

        @AttributeDefinition(name = "Duration (ms)", min = "1", max = "600000",
                description = "How long a spike lasts unless chaos is disarmed first.")
        long duration_ms() default 10_000;

        @AttributeDefinition(name = "Period (ms)", min = "10", max = "1000", description = "Length of one spin-then-rest cycle.")
        long period_ms() default 100;
    }

    /** Busy threads per spike, share of each period spent spinning, how long a spike lasts, one cycle. */
    record Settings(int threads, int utilisationPercent, long durationNanos, long periodNanos) {
        /** @return the spinning part of one period */
        long busyNanos() {
            return periodNanos * utilisationPercent / 100;
        }
    }

    private final ThreadFactory threads;
    private CpuSpike spike; // guarded by this
    private final LongAdder spikes = new LongAdder();
    private volatile boolean closed;

    public CpuInjector() {
        this(named(THREAD_PREFIX));
    }

    CpuInjector(ThreadFactory threads) {
        super(PID, NAME);
        this.threads = threads;
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new Thread(r, prefix + n.incrementAndGet());
    }

    @Override
    protected Settings read(ConfigReader config) {
        Config c = config.typed(Config.class);
        return new Settings(c.threads(), c.utilisation_percent(), TimeUnit.MILLISECONDS.toNanos(c.duration_ms()),
                TimeUnit.MILLISECONDS.toNanos(c.period_ms()));
    }

    @Override
    protected void start(Settings settings) {
        closed = false;
    }

    /** Reverts for good: the bundle is stopping. */
    @Override
    protected synchronized void stop() {
        closed = true;
        stopSpike();
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        ensureSpike();
        return next.proceed(inv);
    }

    private synchronized void ensureSpike() {
        if (closed || (spike != null && spike.alive())) {
            return;
        }
        spike = new CpuSpike(settings(), threads);
        spikes.increment();
    }

    @Override
    public void revert() {
        if (!stopSpike()) {
            logger.error("cpu injector: spike threads did not stop within 5 s");
        }
    }

    /** @return whether no spike thread is left */
    synchronized boolean stopSpike() {
        CpuSpike s = spike;
        spike = null;
        return s == null || s.stop();
    }

    synchronized int liveThreads() {
        return spike == null ? 0 : spike.liveThreads();
    }

    long spikes() {
        return spikes.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("activeThreads", liveThreads());
        values.put("spikes", spikes());
        return snapshot(values);
    }
}
