package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shedding probability of every operation at every level.
 *
 * <p>Operations are ranked by priority (most important first). Each level has a list of
 * probabilities that starts at the least important rank and goes up; ranks the list does not reach
 * are not shed. An operation not ranked is shed like the least important ranked one. Validation
 * guarantees the two promises of load shedding: at any level a less important operation is shed at
 * least as much as a more important one, and every operation is shed at least as much at a worse
 * level as at a better one.
 */
final class ShedTable {

    private static final double[] NEVER = new double[DegradationLevel.values().length];

    private final List<String> priorities;
    private final Map<String, double[]> byOperation = new HashMap<>();
    private final Map<String, Integer> rankOf = new HashMap<>();
    private final double[] unranked;

    /**
     * @param priorities operations, most important first; not empty
     * @param byLevel    for DEGRADED, SEVERELY_DEGRADED and EMERGENCY (indices 1-3; index 0 ignored),
     *                   probabilities from the least important rank upward
     */
    ShedTable(List<String> priorities, double[][] byLevel) {
        this.priorities = List.copyOf(priorities);
        int n = priorities.size();
        for (int rank = 0; rank < n; rank++) {
            int fromBottom = n - 1 - rank;
            double[] p = new double[DegradationLevel.values().length];
            for (int level = 1; level < p.length; level++) {
                double[] list = byLevel[level];
                p[level] = fromBottom < list.length ? list[fromBottom] : 0;
            }
            byOperation.put(priorities.get(rank), p);
            rankOf.put(priorities.get(rank), rank);
        }
        this.unranked = n == 0 ? NEVER : byOperation.get(priorities.get(n - 1));
    }

    /**
     * @param operation an operation
     * @param level     the current level
     * @return the probability of shedding one of its calls; no allocation
     */
    double probability(String operation, DegradationLevel level) {
        double[] p = byOperation.get(operation);
        return (p == null ? unranked : p)[level.ordinal()];
    }

    /** @return the operations, most important first */
    List<String> priorities() {
        return priorities;
    }

    /**
     * @param operation an operation
     * @return its rank, 1 for the most important, or priorities + 1 when not ranked
     */
    int rank(String operation) {
        Integer rank = rankOf.get(operation);
        return rank == null ? priorities.size() + 1 : rank + 1;
    }
}
