package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.atomic.AtomicInteger;
import io.dwcp.resilience.kit.StripedAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One operation's limiter inside a rate-limit component, with the counters every strategy
 * reports. A component configured for {@code *} holds one per operation it has seen.
 *
 * @param <A> the algorithm ({@link TokenBucket}, {@link AdaptiveRateController},
 *            {@link ConcurrencyLimiter})
 */
final class OperationLimiter<A> {

    final String operation;
    /** Replaced only when a state store arriving late restores a limiter that has not moved. */
    volatile A algorithm;
    /** The clock of the calls: the limiter's instants are values of it. */
    final TimeSource clock;
    /** Changes of an adaptive limit waiting to be published; {@code null} for a fixed limit. */
    final LimitChangeLog changes;
    /** Striped per thread: on every admitted call (a LongAdder's one word bounced between threads). */
    final StripedAdder granted = new StripedAdder();
    final LongAdder rejected = new LongAdder();
    final AtomicInteger waiting = new AtomicInteger();
    /** Set by the publisher when a change has not been saved yet. */
    volatile boolean unsaved;

    OperationLimiter(String operation, A algorithm, TimeSource clock, LimitChangeLog changes) {
        this.operation = operation;
        this.algorithm = algorithm;
        this.clock = clock;
        this.changes = changes;
    }
}
