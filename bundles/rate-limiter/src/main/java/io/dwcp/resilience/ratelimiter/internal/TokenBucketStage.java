package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.Map;
import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The fixed rate limit: one {@link TokenBucket} per operation. A call takes its permits at once or
 * waits for them up to {@code max.wait.ms} and never past its deadline; otherwise it is rejected
 * with a {@link io.dwcp.resilience.api.RateLimitedException} that says when a permit is due.
 */
@Component(configurationPid = TokenBucketSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers Stage and MetricsSource with the accepted properties
@Designate(ocd = TokenBucketConfig.class, factory = true)
public class TokenBucketStage extends AbstractRateLimitStage<TokenBucketSettings, TokenBucket> {

    public TokenBucketStage() {
        super(TokenBucketSettings.PID);
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        OperationLimiter<TokenBucket> limiter = limiterFor(inv);
        TokenBucketSettings s = settings();
        long now = inv.startNanos();
        long allowedWait = allowedWait(inv, now, s.maxWaitNanos());
        long wait = limiter.algorithm.tryAcquire(s.permitsPerCall(), now, allowedWait);
        if (wait == TokenBucket.REFUSED) {
            limiter.rejected.increment();
            throw noPermit(inv, limiter.algorithm, s.permitsPerCall(), now, allowedWait, s::describe);
        }
        if (wait > 0) {
            awaitPermit(limiter, limiter.algorithm, s.permitsPerCall(), inv, now + wait);
        }
        limiter.granted.increment();
        return next.proceed(inv);
    }

    @Override
    String strategy() {
        return "tokenbucket";
    }

    @Override
    protected TokenBucketSettings read(ConfigReader config) {
        return TokenBucketSettings.from(config);
    }

    @Override
    protected String describe(TokenBucketSettings s) {
        return s.describe() + (s.warmupNanos() > 0 ? ", warm-up " + Rates.millis(s.warmupNanos()) : "")
                + (s.maxWaitNanos() > 0 ? ", max wait " + Rates.millis(s.maxWaitNanos()) : ", no waiting")
                + ", " + s.permitsPerCall() + " permit(s) per call";
    }

    @Override
    boolean adaptive() {
        return false;
    }

    @Override
    TokenBucket create(TokenBucketSettings s, TimeSource clock, LimitChangeLog changes, Map<String, String> saved) {
        return new TokenBucket(s.rate(), s.burst(), s.warmupNanos(), s.permitsPerCall(), clock);
    }

    @Override
    void reconfigure(OperationLimiter<TokenBucket> limiter, TokenBucketSettings previous, TokenBucketSettings next) {
        TokenBucket bucket = limiter.algorithm;
        double before = bucket.rate();
        bucket.setLimits(next.rate(), next.burst(), limiter.clock.nanoTime());
        if (next.permitsPerCall() != previous.permitsPerCall()) {
            bucket.setMaxPermitsPerCall(next.permitsPerCall(), limiter.clock.nanoTime());
        }
        if (next.warmupNanos() != previous.warmupNanos()) {
            bucket.setWarmup(next.warmupNanos());
        }
        if (before != next.rate() || previous.burst() != next.burst()) {
            postLimitChanged(limiter.operation, before, next.rate(), LimitListener.Reason.CONFIGURED.text()
                    + " (burst " + previous.burst() + " -> " + next.burst() + ")", limiter.clock.currentTimeMillis());
        }
    }

    @Override
    void figures(OperationLimiter<TokenBucket> limiter, Map<String, Number> out) {
        TokenBucket bucket = limiter.algorithm;
        out.put("rate", bucket.rate());
        out.put("burst", bucket.burst());
        out.put("availablePermits", (long) Math.max(0, Math.floor(bucket.availablePermits())));
        out.put("coldMultiplier", bucket.coldMultiplier());
    }
}
