package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code scope = peer}: a slow peer fills its own permits, not the operation's. */
@Timeout(60)
class PerPeerBulkheadTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final ManualTimeSource clock = new ManualTimeSource();

    private <T extends BulkheadStage<?, ?>> T start(T stage, String pid, Object... keysAndValues) {
        stage.setServices(log.logger(), events);
        Map<String, Object> map = new HashMap<>();
        map.put("service.pid", pid);
        map.put("dwcp.operation", "send");
        map.put("scope", "peer");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        stage.activate(null, map);
        return stage;
    }

    private TestInvocation inv(String peer) {
        clock.advance(Duration.ofMillis(2)); // apart by more than the LRU's resolution
        return new TestInvocation("send", peer, clock, TestInvocation.NO_DEADLINE);
    }

    @Test
    void semaphorePermitsArePerPeer() throws Exception {
        SemaphoreBulkheadStage stage = start(new SemaphoreBulkheadStage(), "dwcp.bulkhead.semaphore~send",
                "max.concurrent.calls", 1);
        Holders slow = new Holders();
        slow.enter(stage::execute, inv("node-b"));

        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("node-b"), i -> "x"),
                "node-b's one permit is taken");
        assertEquals("a", stage.execute(inv("node-a"), i -> "a"), "node-a has permits of its own");

        List<MetricsSnapshot> m = stage.metrics();
        assertEquals(List.of("node-a", "node-b", ""), m.stream().map(MetricsSnapshot::peer).toList());
        assertEquals(1, m.get(1).value("active"));
        assertEquals(0, m.get(0).value("active"));
        assertEquals(2, m.get(2).value("peers"), "the whole operation's figures count its peers");
        assertTrue(Double.isNaN(m.get(2).value("active")), "and do not repeat a peer's figures");
        slow.releaseAll();
        stage.deactivate();
    }

    @Test
    void queuePermitsArePerPeer() throws Exception {
        QueueBulkheadStage stage = start(new QueueBulkheadStage(), "dwcp.bulkhead.queue~send",
                "max.concurrent.calls", 1, "queue.capacity", 0);
        Holders slow = new Holders();
        slow.enter(stage::execute, inv("node-b"));
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("node-b"), i -> "x"));
        assertEquals("a", stage.execute(inv("node-a"), i -> "a"));
        slow.releaseAll();
        stage.deactivate();
    }

    @Test
    void threadPoolsArePerPeerAndAnEvictedPeersPoolStops() throws Exception {
        ThreadPoolBulkheadStage stage = start(new ThreadPoolBulkheadStage(), "dwcp.bulkhead.threadpool~send",
                "core.threads", 1, "max.threads", 1, "queue.capacity", 1, "max.peers", 2);
        Holders slow = new Holders();
        slow.enter(stage::execute, inv("node-b"));
        slow.start(stage::execute, inv("node-b"), new java.util.concurrent.CountDownLatch(1)); // fills its queue
        Await.until(() -> stage.bulkheads().of("send").get("node-b").metrics().value("queued") == 1, "node-b queued");
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("node-b"), i -> "x"));
        assertEquals("a", stage.execute(inv("node-a"), i -> "a"), "node-a's pool is its own");
        slow.releaseAll();

        ThreadPoolBulkhead nodeA = stage.bulkheads().of("send").get("node-a");
        stage.execute(inv("node-c"), i -> "c"); // third peer: node-b is now the least recently used
        stage.execute(inv("node-d"), i -> "d"); // fourth: node-a goes
        assertNull(stage.bulkheads().of("send").get("node-a"));
        Await.until(() -> nodeA.executor().isTerminated(), "the evicted peer's pool stops");
        assertEquals(2, stage.bulkheads().of("send").size());
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("peer node-a evicted")), log.lines().toString());
        stage.deactivate();
    }

    @Test
    void aPeersPoolNamesItsPeerAndLetsItsCoreThreadsEndWhenIdle() throws Exception {
        ThreadPoolBulkheadStage stage = start(new ThreadPoolBulkheadStage(), "dwcp.bulkhead.threadpool~send",
                "core.threads", 2, "max.threads", 2, "queue.capacity", 1, "keep.alive.ms", 60_000);
        assertEquals("dwcp-bulkhead-send@node-a-", stage.execute(inv("node-a"), i -> Thread.currentThread().getName().replaceAll("[0-9]+$", "")));
        ThreadPoolBulkhead nodeA = stage.bulkheads().of("send").get("node-a");
        assertTrue(nodeA.executor().allowsCoreThreadTimeOut(),
                "64 peers x 4 core threads would stay otherwise: a peer's pool shrinks to nothing when idle");

        stage.modified(Map.of("service.pid", "dwcp.bulkhead.threadpool~send", "dwcp.operation", "send", "scope", "peer",
                "core.threads", 2, "max.threads", 2, "queue.capacity", 1,
                "keep.alive.ms", 0));
        assertTrue(!nodeA.executor().allowsCoreThreadTimeOut() && nodeA.executor().getKeepAliveTime(TimeUnit.NANOSECONDS) == 0,
                "keep.alive.ms = 0 ends extra threads at once; the core cannot time out in 0 and stays");
        stage.deactivate();

        ThreadPoolBulkheadStage operationScope = start(new ThreadPoolBulkheadStage(), "dwcp.bulkhead.threadpool~send",
                "core.threads", 1, "max.threads", 1, "queue.capacity", 1, "scope", "operation");
        assertEquals("dwcp-bulkhead-send-", operationScope.execute(inv("node-a"),
                i -> Thread.currentThread().getName().replaceAll("[0-9]+$", "")));
        operationScope.deactivate();
    }

    @Test
    void inOperationScopeOneSlowPeerFillsTheOperation() throws Exception {
        SemaphoreBulkheadStage stage = start(new SemaphoreBulkheadStage(), "dwcp.bulkhead.semaphore~send",
                "max.concurrent.calls", 1, "scope", "operation");
        Holders slow = new Holders();
        slow.enter(stage::execute, inv("node-b"));
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("node-a"), i -> "a"));
        assertTrue(stage.bulkheads().isSingle(), "one operation, operation scope: the single-instance fast path");
        slow.releaseAll();
        stage.deactivate();
    }
}
