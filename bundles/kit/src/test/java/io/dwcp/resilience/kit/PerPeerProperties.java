package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Per-peer instances: bounded, least recently used evicted, each instance made once while kept. */
class PerPeerProperties {

    @Property(tries = 300)
    void boundedLeastRecentlyUsedEviction(@ForAll @Size(max = 200) List<@StringLength(min = 1, max = 2) String> calls,
            @ForAll @IntRange(min = 1, max = 6) int maxPeers) {
        List<String> made = new ArrayList<>();
        List<String> evicted = new ArrayList<>();
        PerPeer<String> peers = new PerPeer<>(maxPeers, peer -> {
            made.add(peer);
            return "instance of " + peer + " #" + made.size();
        }, (peer, instance) -> evicted.add(peer));
        Map<String, Long> lastUse = new HashMap<>();
        long now = 0;
        for (String peer : calls) {
            now += 2_000_000; // calls 2 ms apart: the LRU's resolution is 1 ms
            String before = peers.peek(peer);
            String instance = peers.get(peer, now);
            if (before != null) {
                assertSame(before, instance, "a kept peer keeps its instance");
            }
            lastUse.put(peer, now);
            assertTrue(peers.size() <= maxPeers);
        }
        assertEquals(made.size() - evicted.size(), peers.size());
        // the maxPeers peers used last are exactly the ones kept
        List<String> recent = lastUse.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(maxPeers).map(Map.Entry::getKey).toList();
        for (String peer : recent) {
            assertNotNull(peers.peek(peer), peer + " was used recently and was evicted");
        }
        assertEquals(recent.size(), peers.size());
    }

    @Property(tries = 300)
    void anyPeerNameMakesAStateKeyTheFileStoreAccepts(@ForAll @StringLength(max = 40) String peer) {
        String key = StateCodec.key("circuit-breaker", "send", peer);
        assertTrue(key.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*"), key);
        assertTrue(key.startsWith("circuit-breaker/send/peer/"), key);
    }
}
