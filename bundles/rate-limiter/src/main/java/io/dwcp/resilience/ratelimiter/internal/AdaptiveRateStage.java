package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.ResilienceException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.LinkedHashMap;
import java.util.Map;
import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The specified adaptive rate limiter: a token bucket whose rate an {@link AdaptiveRateController}
 * moves after every window of latencies.
 *
 * <p>The latency it learns from is that of the calls it admitted, from admission (the call's
 * entry into the chain, or the end of its wait for a permit) to completion, read with one clock
 * read after the rest of the chain returns. Calls an inner stage rejected are not samples: they
 * did no work. Calls that failed or timed out are: a timeout is the clearest sign of overload.
 *
 * <p>A call first takes a place among the calls in flight ({@link AdaptiveRateController#tryStart()},
 * at most {@code rate x inflight.factor x target}), then a permit; it gives the place back when it
 * finishes, whatever the outcome. A call refused either way is rejected at once.
 */
@Component(configurationPid = AdaptiveRateSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers Stage and MetricsSource with the accepted properties
@Designate(ocd = AdaptiveRateConfig.class, factory = true)
public class AdaptiveRateStage extends AbstractRateLimitStage<AdaptiveRateSettings, AdaptiveRateController> {

    public AdaptiveRateStage() {
        super(AdaptiveRateSettings.PID);
    }

    static final String RATE = "rate";

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        OperationLimiter<AdaptiveRateController> limiter = limiterFor(inv);
        AdaptiveRateController controller = limiter.algorithm;
        AdaptiveRateSettings s = settings();
        TokenBucket bucket = controller.bucket();
        long now = inv.startNanos();
        if (!controller.tryStart()) {
            limiter.rejected.increment();
            double rate = controller.rate();
            int inflightLimit = controller.inflightLimit();
            throw new RateLimitedException(inv.operation(), () -> "adaptive rate " + Rates.format(rate)
                    + "/s: " + inflightLimit + " calls in flight (rate x " + s.inflightFactor()
                    + " x target P95 " + Rates.millis(s.targetP95Nanos()) + ")", -1);
        }
        try {
            long allowedWait = allowedWait(inv, now, s.maxWaitNanos());
            long wait = bucket.tryAcquire(s.permitsPerCall(), now, allowedWait);
            if (wait == TokenBucket.REFUSED) {
                limiter.rejected.increment();
                double rate = controller.rate();
                throw noPermit(inv, bucket, s.permitsPerCall(), now, allowedWait,
                        () -> "adaptive rate " + Rates.format(rate) + "/s");
            }
            long admitted = now;
            if (wait > 0) {
                awaitPermit(limiter, bucket, s.permitsPerCall(), inv, now + wait);
                admitted = now + wait;
            }
            limiter.granted.increment();
            boolean sample = true;
            try {
                return next.proceed(inv);
            } catch (ResilienceException e) {
                sample = !e.isRejection();
                throw e;
            } finally {
                if (sample) {
                    long end = inv.operationEndNanos(); // the manager's reading: no clock read of our own
                    controller.record(end - admitted, end);
                }
            }
        } finally {
            controller.finished();
        }
    }

    @Override
    String strategy() {
        return "adaptive";
    }

    @Override
    String signalName() {
        return "P95";
    }

    @Override
    protected AdaptiveRateSettings read(ConfigReader config) {
        return AdaptiveRateSettings.from(config);
    }

    @Override
    protected String describe(AdaptiveRateSettings s) {
        return s.describe();
    }

    @Override
    boolean adaptive() {
        return true;
    }

    @Override
    AdaptiveRateController create(AdaptiveRateSettings s, TimeSource clock, LimitChangeLog changes,
            Map<String, String> saved) {
        double restored = savedNumber(saved, RATE, s.initialRate());
        AdaptiveRateController controller = new AdaptiveRateController(s, restored, clock, changes);
        if (controller.rate() != s.initialRate()) {
            changes.limitChanged(s.initialRate(), controller.rate(), LimitListener.Reason.RESTORED, -1,
                    clock.nanoTime());
        }
        return controller;
    }

    @Override
    void reconfigure(OperationLimiter<AdaptiveRateController> limiter, AdaptiveRateSettings previous,
            AdaptiveRateSettings next) {
        limiter.algorithm.reconfigure(next, limiter.clock.nanoTime());
    }

    @Override
    void figures(OperationLimiter<AdaptiveRateController> limiter, Map<String, Number> out) {
        AdaptiveRateController c = limiter.algorithm;
        AdaptiveRateSettings s = c.settings();
        out.put("rate", c.rate());
        out.put("minRate", s.minRate());
        out.put("maxRate", s.maxRate());
        out.put("burst", c.bucket().burst());
        out.put("availablePermits", (long) Math.max(0, Math.floor(c.bucket().availablePermits())));
        out.put("targetP95Millis", s.targetP95Nanos() / 1e6);
        long p95 = c.lastP95Nanos();
        out.put("p95Millis", p95 < 0 ? Double.NaN : p95 / 1e6);
        out.put("adjustmentsUp", c.raised());
        out.put("adjustmentsDown", c.lowered());
        out.put("windows", c.windowsClosed());
        out.put("inflight", c.inflight());
        out.put("inflightLimit", c.inflightLimit());
    }

    @Override
    Map<String, String> stateOf(AdaptiveRateController controller) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(RATE, Double.toString(controller.rate()));
        return values;
    }
}
