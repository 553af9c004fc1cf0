package io.dwcp.resilience.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A health check contributed by any bundle (whiteboard: register it as a service with the property
 * {@link #NAME}). The health bundle runs it periodically, with a timeout, off the call path.
 */
@ConsumerType
public interface HealthCheck {

    /** Service property: the check's unique name, e.g. {@code transport-ping}. */
    String NAME = "dwcp.health.check";

    /**
     * Service property (optional): how often to run the check, in milliseconds (a Long, Integer or
     * numeric String); the health bundle's default (10 s) when absent.
     */
    String INTERVAL_MILLIS = "dwcp.health.interval.ms";

    /**
     * Service property (optional): how long one run may take, in milliseconds; after it the run
     * counts as {@link HealthStatus#UNHEALTHY} and is interrupted. The health bundle's default when absent.
     */
    String TIMEOUT_MILLIS = "dwcp.health.timeout.ms";

    /** @return the check's name, equal to its {@link #NAME} service property */
    String name();

    /**
     * Runs the check once. It may block up to the timeout the health bundle gives it, and is
     * interrupted after that.
     *
     * @return the result
     * @throws Exception a failure of the check itself, counted as {@link HealthStatus#UNHEALTHY}
     */
    HealthResult check() throws Exception;
}
