package io.dwcp.resilience.chaos.internal;

import java.util.Map;
import java.util.Set;

/**
 * What an operator armed: validated and fixed for the arming's lifetime.
 *
 * @param probability     chance that an in-scope call gets a fault
 * @param operations      operation scope, {@code null} for all
 * @param peers           peer scope, {@code null} for all
 * @param weights         injector selection; empty for every registered injector, weight 1
 * @param reason          the operator's reason
 * @param armedAtMillis   wall-clock arming time
 * @param expiresAtMillis wall-clock expiry
 * @param expiresAtNanos  expiry on the engine's monotonic clock
 */
record ArmedPlan(double probability, Set<String> operations, Set<String> peers, Map<String, Double> weights,
        String reason, long armedAtMillis, long expiresAtMillis, long expiresAtNanos) {
}
