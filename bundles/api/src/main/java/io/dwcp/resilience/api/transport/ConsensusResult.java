package io.dwcp.resilience.api.transport;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The outcome of a quorum write.
 *
 * @param messageId    the message's id (the same on every peer)
 * @param clusterSize  peers configured plus this node
 * @param quorum       votes needed: {@code clusterSize / 2 + 1}
 * @param acknowledged peers that acknowledged (this node not included; it always counts one vote)
 * @param failed       peers that did not, with why (not connected, partitioned, timed out…); peers
 *                     still outstanding when the quorum was reached are listed as {@code pending}
 */
public record ConsensusResult(long messageId, int clusterSize, int quorum, Set<String> acknowledged, Map<String, String> failed) {

    /** Copies the collections, sorted. */
    public ConsensusResult {
        acknowledged = Collections.unmodifiableSet(new TreeSet<>(acknowledged));
        failed = Collections.unmodifiableMap(new TreeMap<>(failed));
    }

    /** @return votes: the peers that acknowledged plus this node */
    public int votes() {
        return acknowledged.size() + 1;
    }

    /** @return whether a majority of the cluster (this node included) has the message */
    public boolean reached() {
        return votes() >= quorum;
    }
}
