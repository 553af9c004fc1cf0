package io.dwcp.resilience.chaos.internal;

/**
 * A registered service the engine uses, with what decides between two of the same name: the higher
 * ranking, then the older service.
 *
 * @param name      the {@code dwcp.injector} name
 * @param ranking   the service ranking
 * @param serviceId the service id
 * @param service   the service object
 * @param <S>       the service type
 */
record Registration<S>(String name, int ranking, long serviceId, S service) {

    /** @return whether this one wins over {@code other} of the same name */
    boolean beats(Registration<S> other) {
        return ranking != other.ranking ? ranking > other.ranking : serviceId < other.serviceId;
    }
}
