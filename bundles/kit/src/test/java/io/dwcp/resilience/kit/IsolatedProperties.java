package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.testkit.TestInvocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * A stage's instances by scope: in peer scope at most {@code max.peers} per operation, the least
 * recently used evicted, every instance made once while kept; in operation scope one per operation.
 */
class IsolatedProperties {

    private static final List<String> OPERATIONS = List.of("send", "sync", "consensus");

    @Property(tries = 300)
    void peerScopeIsBoundedPerOperationWithLeastRecentlyUsedEviction(
            @ForAll @Size(max = 150) List<@IntRange(min = 0, max = 2) Integer> operations,
            @ForAll @Size(max = 150) List<@StringLength(min = 1, max = 2) String> peers,
            @ForAll @IntRange(min = 1, max = 5) int maxPeers) {
        ManualTimeSource clock = new ManualTimeSource();
        List<String> made = new ArrayList<>();
        List<String> evicted = new ArrayList<>();
        Isolated<String> instances = new Isolated<>("*", new Isolation(Isolation.Scope.PEER, maxPeers),
                (op, peer) -> {
                    made.add(op + "/" + peer);
                    return op + "/" + peer + " #" + made.size();
                }, (op, peer, instance) -> {
                    assertTrue(instance.startsWith(op + "/" + peer + " #"), "told the instance of the peer evicted");
                    evicted.add(op + "/" + peer);
                });
        Map<String, Map<String, Long>> lastUse = new HashMap<>();
        int calls = Math.min(operations.size(), peers.size());
        for (int i = 0; i < calls; i++) {
            String op = OPERATIONS.get(operations.get(i));
            String peer = peers.get(i);
            clock.advance(Duration.ofMillis(2)); // the LRU's resolution is 1 ms
            String before = instances.of(op).get(peer);
            String instance = instances.get(new TestInvocation(op, peer, clock, TestInvocation.NO_DEADLINE));
            if (before != null) {
                assertSame(before, instance, "a kept peer keeps its instance");
            }
            assertTrue(instance.startsWith(op + "/" + peer + " #"));
            lastUse.computeIfAbsent(op, o -> new HashMap<>()).put(peer, clock.nanoTime());
            assertTrue(instances.of(op).size() <= maxPeers, "bounded per operation");
        }
        assertEquals(made.size() - evicted.size(), instances.all().size());
        for (Map.Entry<String, Map<String, Long>> byOp : lastUse.entrySet()) {
            List<String> recent = byOp.getValue().entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(maxPeers)
                    .map(Map.Entry::getKey).toList();
            assertEquals(Set.copyOf(recent), instances.of(byOp.getKey()).keySet(),
                    "the peers used last are exactly those kept");
        }
    }

    @Property(tries = 100)
    void operationScopeKeepsOneInstancePerOperationWhateverThePeer(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 2) Integer> operations,
            @ForAll @Size(max = 60) List<@StringLength(max = 3) String> peers) {
        ManualTimeSource clock = new ManualTimeSource();
        Set<String> made = new HashSet<>();
        Isolated<String> instances = new Isolated<>("*", Isolation.PER_OPERATION, (op, peer) -> {
            assertEquals("", peer, "no peer in operation scope");
            assertTrue(made.add(op), "made once");
            return op;
        }, (op, peer, instance) -> {
            throw new AssertionError("nothing is evicted in operation scope");
        });
        for (int i = 0; i < Math.min(operations.size(), peers.size()); i++) {
            String op = OPERATIONS.get(operations.get(i));
            assertEquals(op, instances.get(new TestInvocation(op, peers.get(i), clock, TestInvocation.NO_DEADLINE)));
        }
        assertEquals(made.size(), instances.all().size());
    }

    @Test
    void oneOperationInOperationScopeIsTheSingleInstanceFastPath() {
        ManualTimeSource clock = new ManualTimeSource();
        int[] made = new int[1];
        Isolated<String> one = new Isolated<>("send", Isolation.PER_OPERATION, (op, peer) -> op + " #" + ++made[0],
                (op, peer, instance) -> {
                });
        assertTrue(one.isSingle());
        assertEquals(1, made[0], "made at once");
        String single = one.get(new TestInvocation("send", "a", clock, TestInvocation.NO_DEADLINE));
        assertSame(single, one.get(new TestInvocation("send", "b", clock, TestInvocation.NO_DEADLINE)));
        assertEquals(1, made[0]);
        assertThrows(IllegalArgumentException.class, () -> one.of("sync"));
    }

    @Test
    void scopeAndBoundComeFromTheTypedView() {
        // refusals of scope and max.peers are the Metatype's (BulkheadSettingsTest, CircuitBreakerSettingsTest)
        assertEquals(Isolation.PER_OPERATION, Isolation.of("operation", Isolation.DEFAULT_MAX_PEERS));
        assertEquals(new Isolation(Isolation.Scope.PEER, 3), Isolation.of("PEER", 3));
        assertThrows(IllegalArgumentException.class, () -> Isolation.of("node", 3));
        assertThrows(IllegalArgumentException.class, () -> Isolation.of("peer", 100_001));
        assertNotNull(Isolation.PER_OPERATION.toString());
    }
}
