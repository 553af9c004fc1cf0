package io.dwcp.resilience.fallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Whatever peers answer in whatever order, the kept responses stay bounded and the newest are kept. */
class LastGoodResponsesProperties {

    @Property(tries = 300)
    void boundedAndTheMostRecentlyAnsweredPeersAreKept(
            @ForAll @Size(max = 200) List<@StringLength(min = 1, max = 2) String> answers,
            @ForAll @IntRange(min = 1, max = 8) int maxPeers) {
        LastGoodResponses kept = new LastGoodResponses(maxPeers);
        Map<String, Integer> lastAnswer = new HashMap<>();
        for (int t = 0; t < answers.size(); t++) {
            String peer = answers.get(t);
            kept.record(peer, "response-" + t, t);
            lastAnswer.put(peer, t);
            assertTrue(kept.size() <= maxPeers, "never more than " + maxPeers + " peers");
            assertEquals("response-" + t, kept.get(peer).response(), "the peer just answered is kept");
        }
        // The maxPeers peers that answered last are all kept, each with its own last response.
        lastAnswer.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .limit(maxPeers)
                .forEach(e -> {
                    assertNotNull(kept.get(e.getKey()), e.getKey() + " answered recently and was dropped");
                    assertEquals("response-" + e.getValue(), kept.get(e.getKey()).response());
                });
    }
}
