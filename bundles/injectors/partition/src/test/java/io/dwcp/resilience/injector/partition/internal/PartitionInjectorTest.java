package io.dwcp.resilience.injector.partition.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PartitionInjectorTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private PartitionInjector injector(String peers, long durationMs) {
        PartitionInjector injector = new PartitionInjector(clock);
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("peers", peers, "duration.ms", durationMs));
        return injector;
    }

    @Test
    void cutsOffTheCalledPeerForTheConfiguredTime() {
        PartitionInjector injector = injector("", 30_000);
        assertFalse(injector.isPartitioned("node-2"));
        InjectedFaultException e = assertThrows(InjectedFaultException.class,
                () -> injector.inject(new TestInvocation("send", "node-2", clock, Long.MAX_VALUE), inv -> "ok"));
        assertEquals("partition", e.injector());
        assertTrue(e.getMessage().contains("peer 'node-2' is partitioned"), e.getMessage());
        assertTrue(injector.isPartitioned("node-2"));
        assertFalse(injector.isPartitioned("node-3"));

        clock.advance(Duration.ofSeconds(29));
        assertTrue(injector.isPartitioned("node-2"));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(injector.isPartitioned("node-2"), "a partition heals by itself when its time is up");
        assertEquals(0, injector.partitionedPeers());
    }

    @Test
    void configuredPeersAreCutWhicheverPeerTheCallAddressed() throws Exception {
        PartitionInjector injector = injector("node-7, node-8", 60_000);
        assertEquals("ok", injector.inject(new TestInvocation("sync", "node-1", clock, Long.MAX_VALUE), inv -> "ok"),
                "a call to a peer that is not cut goes on");
        assertTrue(injector.isPartitioned("node-7"));
        assertTrue(injector.isPartitioned("node-8"));
        assertFalse(injector.isPartitioned("node-1"));
        assertEquals(2, injector.partitionedPeers());
        assertThrows(InjectedFaultException.class,
                () -> injector.inject(new TestInvocation("sync", "node-8", clock, Long.MAX_VALUE), inv -> "ok"));
    }

    @Test
    void aCallWithoutPeerAndNoConfiguredPeersCutsNothing() throws Exception {
        PartitionInjector injector = injector("", 60_000);
        assertEquals("ok", injector.inject(new TestInvocation("consensus", "", clock, Long.MAX_VALUE), inv -> "ok"));
        assertEquals(0, injector.partitions());
        assertFalse(injector.isPartitioned(""));
    }

    @Test
    void revertHealsEveryPartitionAtOnce() {
        PartitionInjector injector = injector("a,b,c", 3_600_000);
        assertThrows(InjectedFaultException.class,
                () -> injector.inject(new TestInvocation("send", "a", clock, Long.MAX_VALUE), inv -> "ok"));
        assertEquals(3, injector.partitionedPeers());
        injector.revert();
        assertEquals(0, injector.partitionedPeers());
        assertFalse(injector.isPartitioned("a"));
        assertFalse(injector.isPartitioned("b"));
        assertEquals(1, injector.heals());
    }

    @Test
    void badSettingsAreRefused() {
        assertEquals("duration.ms", assertThrows(InvalidConfigurationException.class, () -> injector("", -5)).key());
        assertEquals("duration.ms", assertThrows(InvalidConfigurationException.class, () -> injector("", 0)).key());
        assertEquals("peers", assertThrows(InvalidConfigurationException.class, () -> injector("a,,b", 10)).key());
    }

    @Test
    void aRefusedChangeKeepsThePeersInForce() throws Exception {
        PartitionInjector injector = injector("node-7", 60_000);
        injector.modified(Map.of("peers", "node-7", "duration.ms", "forever"));
        injector.inject(new TestInvocation("sync", "node-1", clock, Long.MAX_VALUE), inv -> "ok");
        assertTrue(injector.isPartitioned("node-7"));
        clock.advance(Duration.ofSeconds(60));
        assertFalse(injector.isPartitioned("node-7"), "still the accepted 60 s");
    }
}
