package io.dwcp.resilience.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that can be asked whether it answers: a peer connection, a transport endpoint, a
 * remote service. Ping health checks probe the {@code Pingable} services their target filter
 * matches; the DWCP transport registers one per peer (ping frames), and until it exists any bundle
 * can register one.
 */
@ConsumerType
public interface Pingable {

    /** Service property: the name of the target as health reports show it, e.g. a peer's node id. */
    String TARGET = "dwcp.ping.target";

    /** @return the name of the target, equal to its {@link #TARGET} service property when present */
    String target();

    /**
     * Probes the target once.
     *
     * @param timeoutNanos how long the caller waits for the answer; an implementation gives up
     *                     after it (and also reacts to interruption)
     * @return the round-trip time in nanoseconds
     * @throws Exception when the target did not answer in time or answered with an error; the
     *                   message says which
     */
    long ping(long timeoutNanos) throws Exception;
}
