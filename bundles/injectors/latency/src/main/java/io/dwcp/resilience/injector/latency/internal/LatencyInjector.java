package io.dwcp.resilience.injector.latency.internal;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import io.dwcp.resilience.kit.RevertibleWaits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The {@code latency} fault injector: delays a call, then lets it proceed. A delay that would reach
 * the call's deadline is cut to the time left and the call then fails with
 * {@link DeadlineExceededException}, as a call on a network that slow would: the injector never
 * sleeps past the deadline. It waits on the call's clock ({@link RevertibleWaits}); the kill switch
 * ({@link #revert()}) ends every delay in progress and those calls proceed at once.
 */
@Component(configurationPid = LatencyInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + LatencyInjector.NAME)
@Designate(ocd = LatencyInjector.Config.class)
public final class LatencyInjector extends ConfiguredInjector<LatencyInjector.Settings> {

    static final String PID = "dwcp.injector.latency";
    static final String NAME = "latency";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: latency", description = "Delays a call by a random "
            + "time drawn from a distribution within [min, max]; never past the call's deadline.")
    @interface Config {
        @AttributeDefinition(name = "Minimum delay (ms)", min = "0", max = "600000",
                description = "Shortest delay, in milliseconds; at most 10 minutes.")
        long min_ms() default 50;

        @AttributeDefinition(name = "Maximum delay (ms)", min = "0", max = "600000",
                description = "Longest delay, in milliseconds; at least the minimum, at most 10 minutes.")
        long max_ms() default 200;

        @AttributeDefinition(name = "Distribution", description = "uniform over [min, max]; normal centred in the range "
                + "(6 standard deviations wide, clipped); exponential from min with mean a quarter of the range (clipped).",
                options = {@Option(label = "uniform", value = "uniform"), @Option(label = "normal", value = "normal"),
                        @Option(label = "exponential", value = "exponential")})
        String distribution() default "uniform";
    }

    /** Shortest and longest delay, and how delays are drawn in between. */
    record Settings(long minNanos, long maxNanos, DelayDistribution distribution) {
    }

    private final Supplier<RandomGenerator> random;
    private final RevertibleWaits waits = new RevertibleWaits();
    private final AtomicInteger delaying = new AtomicInteger();
    private final LongAdder delays = new LongAdder();
    private final LongAdder delayedNanos = new LongAdder();
    private final LongAdder deadlineHits = new LongAdder();
    private final LongAdder cutShort = new LongAdder();

    public LatencyInjector() {
        this(ThreadLocalRandom::current);
    }

    /** @param random the calling thread's random generator */
    LatencyInjector(Supplier<RandomGenerator> random) {
        super(PID, NAME);
        this.random = random;
    }

    @Override
    protected Settings read(ConfigReader config) {
        Config c = config.typed(Config.class);
        if (c.max_ms() < c.min_ms()) {
            throw config.refuse("max.ms", c.max_ms(), "must not be below min.ms=" + c.min_ms());
        }
        return new Settings(TimeUnit.MILLISECONDS.toNanos(c.min_ms()), TimeUnit.MILLISECONDS.toNanos(c.max_ms()),
                ConfigReader.constant(DelayDistribution.class, c.distribution()));
    }

    @Override
    protected String describe(Settings s) {
        return "delays " + s.minNanos() / 1_000_000 + "-" + s.maxNanos() / 1_000_000 + " ms, " + s.distribution();
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        Settings s = settings();
        long delay = s.distribution().draw(s.minNanos(), s.maxNanos(), random.get());
        long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
        boolean hitsDeadline = delay >= remaining;
        long sleep = hitsDeadline ? Math.max(0, remaining) : delay;
        delaying.incrementAndGet();
        boolean slept;
        try {
            slept = waits.sleep(inv.timeSource(), sleep);
        } finally {
            delaying.decrementAndGet();
        }
        delays.increment();
        delayedNanos.add(sleep);
        if (!slept) {
            cutShort.increment(); // reverted: the fault is over, the call goes on
            return next.proceed(inv);
        }
        if (hitsDeadline) {
            deadlineHits.increment();
            throw new DeadlineExceededException(inv.operation(), -1, "chaos injector '" + NAME + "' delayed the call "
                    + delay / 1_000_000 + " ms, past its deadline");
        }
        return next.proceed(inv);
    }

    /** Ends every delay in progress. */
    @Override
    public void revert() {
        waits.wakeAll();
    }

    int delaying() {
        return delaying.get();
    }

    long delays() {
        return delays.sum();
    }

    long delayedNanos() {
        return delayedNanos.sum();
    }

    long deadlineHits() {
        return deadlineHits.sum();
    }

    long cutShort() {
        return cutShort.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("delays", delays());
        values.put("delayedMillis", delayedNanos() / 1_000_000);
        values.put("deadlineHits", deadlineHits());
        values.put("cutShort", cutShort());
        values.put("delaying", delaying());
        return snapshot(values);
    }
}
