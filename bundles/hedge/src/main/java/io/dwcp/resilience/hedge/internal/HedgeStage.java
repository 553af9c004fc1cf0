package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.PerKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The hedge stage: a kind of its own ({@value #KIND}), in the slot after retry by default, so that
 * each retry attempt may be hedged, the breaker outside judges the hedged outcome once, and the
 * timeout inside bounds each attempt. Owns the worker threads that run attempts (shut down on
 * deactivate); keeps one {@link HedgeController} per operation.
 */
@Component(configurationPid = HedgeStage.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = HedgeConfig.class, factory = true)
public final class HedgeStage extends ConfiguredComponent<HedgeSettings> implements Stage, MetricsSource {

    /** The factory PID. */
    public static final String PID = "dwcp.hedge";
    /** The stage kind. */
    public static final String KIND = "hedge";

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final TimeSource clock;
    private volatile PerKey<HedgeController> controllers;
    private volatile ThreadPoolExecutor workers;

    public HedgeStage() {
        this(TimeSource.SYSTEM);
    }

    /** @param clock for work outside a call: starting the latency windows, metrics timestamps */
    HedgeStage(TimeSource clock) {
        super(PID, KIND, Stage.class, MetricsSource.class);
        this.clock = clock;
    }

    @Override
    protected HedgeSettings read(ConfigReader config) {
        return HedgeSettings.read(config);
    }

    @Override
    protected void start(HedgeSettings settings) {
        workers = newWorkers(settings);
        controllers = newControllers(settings);
    }

    @Override
    protected void apply(HedgeSettings previous, HedgeSettings next) {
        if (previous.maxThreads() != next.maxThreads()) {
            ThreadPoolExecutor old = workers;
            workers = newWorkers(next);
            old.shutdown(); // attempts in flight finish; the pool's threads end with them
        }
        if (!next.sameLearningAs(previous) || next.initialDelayNanos() != previous.initialDelayNanos()
                || next.minDelayNanos() != previous.minDelayNanos() || next.maxDelayNanos() != previous.maxDelayNanos()) {
            controllers = newControllers(next);
        }
    }

    @Override
    protected void stop() {
        ThreadPoolExecutor w = workers;
        if (w != null) {
            w.shutdownNow(); // the stage has left every chain: attempts still running are no longer wanted
        }
    }

    private PerKey<HedgeController> newControllers(HedgeSettings s) {
        return new PerKey<>(s.operation(), op -> new HedgeController(op, s, clock.nanoTime(), new HedgeMetrics()));
    }

    private static ThreadPoolExecutor newWorkers(HedgeSettings s) {
        String name = "dwcp-hedge-" + POOLS.incrementAndGet() + "-" + s.operation().replace("*", "all") + "-";
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(s.maxThreads(), s.maxThreads(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, name + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    protected String stagePosition() {
        return settings().position().toString();
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return controllers.get(inv.operation()).execute(inv, next, workers);
    }

    /** @return the worker pool (tests) */
    ExecutorService workers() {
        return workers;
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        PerKey<HedgeController> all = controllers;
        if (all == null) {
            return snapshots;
        }
        for (HedgeController c : all.all()) {
            HedgeMetrics m = c.metrics();
            Map<String, Number> values = new LinkedHashMap<>();
            values.put("delayMillis", c.delay().delayNanos() / 1e6);
            long observed = c.delay().observedNanos();
            values.put("observedPercentileMillis", observed < 0 ? Double.NaN : observed / 1e6);
            values.put("calls", m.calls.sum());
            values.put("hedges", m.hedges.sum());
            values.put("hedgeWins", m.hedgeWins.sum());
            values.put("deniedByBudget", m.deniedByBudget.sum());
            values.put("noThread", m.noThread.sum());
            snapshots.add(new MetricsSnapshot(KIND, c.operation(), values, clock.currentTimeMillis()));
        }
        return snapshots;
    }
}
