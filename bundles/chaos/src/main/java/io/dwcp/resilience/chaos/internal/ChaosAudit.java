package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.chaos.ChaosStatus;

/**
 * Where the engine reports what it does: the audit trail. The OSGi component writes it to the log
 * and to EventAdmin; tests record it.
 */
interface ChaosAudit {

    /** @param status the engine just after it was armed */
    void armed(ChaosStatus status);

    /**
     * The engine is armed, but no injector its arming selected is registered any more.
     *
     * @param status the engine just after the last selected injector went away
     */
    void idle(ChaosStatus status);

    /** @param reason why an arm request was refused */
    void refused(String reason);

    /**
     * @param reason   why it was disarmed
     * @param wasArmed whether it was armed (a kill switch on a disarmed engine still reverts)
     * @param status   the engine just after
     */
    void disarmed(String reason, boolean wasArmed, ChaosStatus status);

    /**
     * Called on the caller's thread just before a fault is applied.
     *
     * @param injector the injector's name
     * @param inv      the call
     */
    void injected(String injector, Invocation inv);

    /**
     * @param injector the injector whose revert failed
     * @param failure  what it threw; the other injectors were still reverted
     */
    void revertFailed(String injector, Throwable failure);
}
