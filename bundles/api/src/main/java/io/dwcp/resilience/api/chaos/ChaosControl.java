package io.dwcp.resilience.api.chaos;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The operator's handle on the chaos engine: the second of its two keys.
 *
 * <p>Chaos runs only when the engine's configuration allows it ({@code allowed=true} in PID
 * {@code dwcp.chaos}, false by default) <em>and</em> an operator has armed it. Arming always
 * carries a duration; when it runs out the engine disarms itself. Disarming is the kill switch:
 * every fault in effect is reverted at once (memory released, CPU threads stopped, partitions
 * healed).
 *
 * <p>All methods are thread-safe and never on the call path. Every arm, refusal and disarm is
 * written to the audit trail (log, counters, EventAdmin).
 */
@ProviderType
public interface ChaosControl {

    /**
     * Arms chaos for {@link ArmRequest#duration()}, replacing any arming in force. The request is
     * validated whole before anything changes: a refused request leaves the engine exactly as it
     * was (armed or not).
     *
     * @param request what to inject, where, how often and for how long
     * @return the engine's status after arming
     * @throws ChaosNotAllowedException when the configuration does not allow chaos
     * @throws IllegalArgumentException naming the offending field and value: a duration that is
     *         missing, not positive or above the configured maximum; a probability outside [0, 1];
     *         an unknown injector name or a weight that is not a positive finite number; an invalid
     *         operation name or an empty peer
     */
    ChaosStatus arm(ArmRequest request);

    /**
     * Disarms chaos and reverts every fault in effect. Harmless when not armed.
     *
     * @param reason why, for the audit trail (e.g. {@code operator}, {@code kill switch})
     * @return the engine's status after disarming
     */
    ChaosStatus disarm(String reason);

    /** @return the engine's current status and counters */
    ChaosStatus status();
}
