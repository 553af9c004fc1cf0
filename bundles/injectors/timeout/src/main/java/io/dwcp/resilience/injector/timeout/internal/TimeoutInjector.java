package io.dwcp.resilience.injector.timeout.internal;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code timeout} fault injector: makes a call overrun its deadline. It holds the call until the
 * deadline passes (or for the configured maximum when the deadline is absent or further away), on
 * the call's clock, and then fails it with {@link DeadlineExceededException}, without running the
 * operation. The kill switch releases every held call, which then proceeds normally.
 */
@Component(configurationPid = TimeoutInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + TimeoutInjector.NAME)
@Designate(ocd = TimeoutInjector.Config.class)
public final class TimeoutInjector extends ConfiguredInjector<TimeoutInjector.Settings> {

    static final String PID = "dwcp.injector.timeout";
    static final String NAME = "timeout";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: timeout", description = "Holds a call until its "
            + "deadline (at most max.hold.ms), then fails it as timed out, as a peer that never answers would.")
    @interface Config {
        @AttributeDefinition(name = "Maximum hold (ms)", min = "0", max = "600000",
                description = "How long a call without a deadline, or with one further away, is held before it fails.")
        long max_hold_ms() default 10_000;
    }

    /** @param maxHoldNanos the longest a call is held */
    record Settings(long maxHoldNanos) {
    }

    private final RevertibleWaits waits = new RevertibleWaits();
    private final AtomicInteger holding = new AtomicInteger();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder released = new LongAdder();

    public TimeoutInjector() {
        super(PID, NAME);
    }

    @Override
    protected Settings read(ConfigReader config) {
        return new Settings(TimeUnit.MILLISECONDS.toNanos(config.typed(Config.class).max_hold_ms()));
    }

    @Override
    protected String describe(Settings s) {
        return "holds calls up to " + s.maxHoldNanos() / 1_000_000 + " ms";
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
        long hold = Math.min(Math.max(0, remaining), settings().maxHoldNanos());
        holding.incrementAndGet();
        boolean heldOut;
        try {
            heldOut = waits.sleep(inv.timeSource(), hold);
        } finally {
            holding.decrementAndGet();
        }
        if (!heldOut) {
            released.increment();
            return next.proceed(inv);
        }
        timedOut.increment();
        boolean reachedDeadline = hold == Math.max(0, remaining);
        throw new DeadlineExceededException(inv.operation(), -1, "chaos injector '" + NAME + "' held the call "
                + hold / 1_000_000 + " ms" + (reachedDeadline ? " until its deadline" : " (max.hold.ms)"));
    }

    /** Releases every held call. */
    @Override
    public void revert() {
        waits.wakeAll();
    }

    long timedOut() {
        return timedOut.sum();
    }

    long released() {
        return released.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("timedOut", timedOut());
        values.put("released", released());
        values.put("holding", holding.get());
        return snapshot(values);
    }
}
