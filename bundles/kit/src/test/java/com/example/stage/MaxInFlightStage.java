package com.example.stage;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.PerKey;
import java.util.concurrent.Semaphore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/** A third-party stage: at most N calls of an operation in flight, the rest rejected at once. */
@Component(configurationPid = "com.example.maxinflight", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class MaxInFlightStage extends ConfiguredComponent<MaxInFlightStage.Settings> implements Stage {

    /** The validated configuration: immutable, equal when the values are. */
    public record Settings(String operation, int limit) implements Scoped {   // Scoped: its dwcp.operation
    }

    private volatile PerKey<Semaphore> permits;

    public MaxInFlightStage() {
        super("com.example.maxinflight", "bulkhead");    // registered as a Stage of kind bulkhead
    }

    @Override
    protected Settings read(ConfigReader config) {
        return new Settings(config.operation(), config.intValue("limit", 10, 1, 10_000));
    }

    @Override
    protected void start(Settings s) {
        permits = new PerKey<>(s.operation(), op -> new Semaphore(s.limit()));
    }

    @Override
    protected void apply(Settings previous, Settings next) {
        start(next); // new permits: calls in flight finish on the old ones
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        Semaphore s = permits.get(inv.operation());
        if (!s.tryAcquire()) {
            throw new RateLimitedException(inv.operation(), "more than " + settings().limit() + " in flight", 0);
        }
        try {
            return next.proceed(inv);
        } finally {
            s.release();
        }
    }
}
