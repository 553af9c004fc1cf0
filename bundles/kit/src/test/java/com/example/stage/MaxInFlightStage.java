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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** A third-party stage: at most N calls of an operation in flight, the rest rejected at once. */
@Component(configurationPid = "com.example.maxinflight", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = MaxInFlightStage.Config.class, factory = true)
public final class MaxInFlightStage extends ConfiguredComponent<MaxInFlightStage.Config> implements Stage {

    /** Keys, defaults, bounds and texts, each written once: the kit checks values against the generated Metatype. */
    @ObjectClassDefinition(id = "com.example.maxinflight", name = "Max in flight")
    public @interface Config {
        @AttributeDefinition(description = ConfigReader.OPERATION_DESCRIPTION)
        String dwcp_operation() default "*";

        @AttributeDefinition(min = "1", max = "10000", description = "Calls in flight at most; the rest are rejected.")
        int limit() default 10;
    }

    private volatile PerKey<Semaphore> permits;

    public MaxInFlightStage() {
        super("com.example.maxinflight", "bulkhead");    // registered as a Stage of kind bulkhead
    }

    @Override
    protected Config read(ConfigReader config) {
        return config.typed(Config.class);   // checked whole; add rules across keys here
    }

    @Override
    protected void start(Config c) {
        permits = new PerKey<>(c.dwcp_operation(), op -> new Semaphore(c.limit()));
    }

    @Override
    protected void apply(Config previous, Config next) {
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
