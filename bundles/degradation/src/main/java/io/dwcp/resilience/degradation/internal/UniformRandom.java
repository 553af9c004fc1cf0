package io.dwcp.resilience.degradation.internal;

import java.util.concurrent.ThreadLocalRandom;

/** A source of uniform numbers in [0, 1): thread-local in production, scripted in tests. */
@FunctionalInterface
interface UniformRandom {

    /** Per-thread generators: no contention, no allocation. */
    UniformRandom THREAD_LOCAL = () -> ThreadLocalRandom.current().nextDouble();

    /** @return a number in [0, 1) */
    double next();
}
