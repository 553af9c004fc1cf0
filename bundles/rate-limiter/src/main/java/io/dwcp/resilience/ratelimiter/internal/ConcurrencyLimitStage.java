package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.LoadShedException;
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
 * The adaptive concurrency limit: a call starts only while fewer than the limit are in flight,
 * otherwise it is rejected at once. The limit follows the calls' round-trip times (Gradient2) or
 * their drops (AIMD).
 *
 * <p>Samples: a call that returned or failed is measured; one that timed out is measured and is a
 * drop; one that an inner stage shed for overload (bulkhead full, load shed, rate limited) is a
 * drop without a measurement; any other inner rejection (an open breaker) is neither.
 */
@Component(configurationPid = ConcurrencyLimitSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers Stage and MetricsSource with the accepted properties
@Designate(ocd = ConcurrencyLimitConfig.class, factory = true)
public class ConcurrencyLimitStage extends AbstractRateLimitStage<ConcurrencyLimitSettings, ConcurrencyLimiter> {

    public ConcurrencyLimitStage() {
        super(ConcurrencyLimitSettings.PID);
    }

    static final String LIMIT = "limit";
    static final String ALGORITHM = "algorithm";
    static final String LONG_RTT = "longRttNanos";

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        OperationLimiter<ConcurrencyLimiter> limiter = limiterFor(inv);
        ConcurrencyLimiter c = limiter.algorithm;
        if (!c.tryAcquire()) {
            limiter.rejected.increment();
            int limit = c.limit();
            String algorithm = c.settings().algorithm();
            throw new RateLimitedException(inv.operation(), () -> "concurrency limit " + limit + " reached ("
                    + algorithm + ")", -1);
        }
        limiter.granted.increment();
        long start = inv.startNanos();
        boolean measured = true;
        boolean dropped = false;
        try {
            return next.proceed(inv);
        } catch (DeadlineExceededException e) {
            dropped = true;
            throw e;
        } catch (ResilienceException e) {
            if (e.isRejection()) {
                measured = false;
                dropped = e instanceof BulkheadFullException || e instanceof LoadShedException
                        || e instanceof RateLimitedException;
            }
            throw e;
        } finally {
            long end = inv.operationEndNanos(); // the manager's reading: no clock read of our own
            c.release(measured ? end - start : -1, dropped, end);
        }
    }

    @Override
    String strategy() {
        return "concurrency";
    }

    @Override
    String signalName() {
        return "mean RTT";
    }

    @Override
    protected ConcurrencyLimitSettings read(ConfigReader config) {
        return ConcurrencyLimitSettings.from(config);
    }

    @Override
    protected String describe(ConcurrencyLimitSettings s) {
        return s.describe();
    }

    @Override
    boolean adaptive() {
        return true;
    }

    @Override
    ConcurrencyLimiter create(ConcurrencyLimitSettings s, TimeSource clock, LimitChangeLog changes,
            Map<String, String> saved) {
        double start = s.initialLimit();
        long longRtt = -1;
        if (saved != null) {
            // The limit is a number of calls whichever algorithm found it; the long-term RTT only
            // means something to the algorithm that keeps one.
            start = savedNumber(saved, LIMIT, start);
            if (s.algorithm().equals(saved.get(ALGORITHM))) {
                longRtt = (long) savedNumber(saved, LONG_RTT, -1);
            }
        }
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(s, start, longRtt, clock, changes);
        if (limiter.limit() != s.initialLimit()) {
            changes.limitChanged(s.initialLimit(), limiter.limit(), LimitListener.Reason.RESTORED, -1,
                    clock.nanoTime());
        }
        return limiter;
    }

    @Override
    void reconfigure(OperationLimiter<ConcurrencyLimiter> limiter, ConcurrencyLimitSettings previous,
            ConcurrencyLimitSettings next) {
        limiter.algorithm.reconfigure(next, limiter.clock.nanoTime());
    }

    @Override
    void figures(OperationLimiter<ConcurrencyLimiter> limiter, Map<String, Number> out) {
        ConcurrencyLimiter c = limiter.algorithm;
        ConcurrencyLimitSettings s = c.settings();
        int limit = c.limit();
        int inflight = c.inflight();
        out.put(LIMIT, limit);
        out.put("minLimit", s.minLimit());
        out.put("maxLimit", s.maxLimit());
        out.put("inflight", inflight);
        out.put("availablePermits", Math.max(0, limit - inflight));
        long shortRtt = c.lastShortRttNanos();
        long longRtt = c.longRttNanos();
        out.put("shortRttMillis", shortRtt < 0 ? Double.NaN : shortRtt / 1e6);
        out.put("longRttMillis", longRtt < 0 ? Double.NaN : longRtt / 1e6);
        out.put("adjustmentsUp", c.raised());
        out.put("adjustmentsDown", c.lowered());
        out.put("windows", c.windowsClosed());
    }

    @Override
    Map<String, String> stateOf(ConcurrencyLimiter limiter) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(ALGORITHM, limiter.settings().algorithm());
        values.put(LIMIT, Integer.toString(limiter.limit()));
        values.put(LONG_RTT, Long.toString(limiter.longRttNanos()));
        return values;
    }
}
