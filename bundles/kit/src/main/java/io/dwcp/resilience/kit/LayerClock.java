package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.TimeSource;
import java.util.function.Supplier;

/**
 * The layer's clock when one is registered, else the JVM's: what a stage reads when its
 * {@link TimeSource} reference is optional and dynamic (the manager uses the same registered
 * clock). Reads the reference at every call, so a clock registered or removed later takes effect at
 * once; waits go to the registered clock too, so a test clock decides how long they take.
 *
 * <pre>
 * &#64;Reference(cardinality = OPTIONAL, policy = DYNAMIC, policyOption = GREEDY)
 * volatile TimeSource timeSource;
 * private final TimeSource clock = new LayerClock(() -&gt; timeSource);
 * </pre>
 *
 * @since 1.3
 */
public final class LayerClock implements TimeSource {

    private final Supplier<TimeSource> registered;

    /** @param registered the registered clock, or {@code null} while there is none */
    public LayerClock(Supplier<TimeSource> registered) {
        this.registered = registered;
    }

    @Override
    public long nanoTime() {
        TimeSource t = registered.get();
        return t != null ? t.nanoTime() : System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        TimeSource t = registered.get();
        return t != null ? t.currentTimeMillis() : System.currentTimeMillis();
    }

    @Override
    public void sleepUntil(long untilNanos) throws InterruptedException {
        TimeSource t = registered.get();
        if (t != null) {
            t.sleepUntil(untilNanos);
        } else {
            TimeSource.super.sleepUntil(untilNanos);
        }
    }
}
