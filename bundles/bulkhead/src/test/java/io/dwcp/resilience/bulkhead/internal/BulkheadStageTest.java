package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.service.event.Event;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;

/** The DS components' life cycle, driven by hand as SCR would. */
@Timeout(60)
class BulkheadStageTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();

    private <T extends BulkheadStage<?, ?>> T wire(T stage) {
        stage.setServices(log.logger(), events);
        return stage;
    }

    private static Map<String, Object> config(String pid, Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        map.put("service.pid", pid);
        map.put("component.name", "test");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static TestInvocation inv(String operation) {
        return new TestInvocation(operation, TimeSource.SYSTEM);
    }

    @Test
    void aValidConfigurationStartsAWorkingStage() throws Exception {
        SemaphoreBulkheadStage stage = wire(new SemaphoreBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.semaphore~send", "dwcp.operation", "send", "max.concurrent.calls", "1"));

        assertEquals("ok", stage.execute(inv("send"), i -> "ok"));
        Holders holders = new Holders();
        holders.enter(stage::execute, inv("send"));
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("send"), i -> "x"));
        holders.releaseAll();
        assertEquals(1, log.at("info").size(), log.lines().toString());
        stage.deactivate();
    }

    @Test
    void anInvalidConfigurationDoesNotStartAndSaysWhy() {
        QueueBulkheadStage stage = wire(new QueueBulkheadStage());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> stage.activate(null,
                config("dwcp.bulkhead.queue~send", "dwcp.operation", "send", "queue.capacity", "-1")));
        assertEquals("queue.capacity", e.key());
        String error = log.at("error").get(0);
        assertTrue(error.contains("dwcp.bulkhead.queue~send") && error.contains("queue.capacity=-1")
                && error.contains("between 0 and"), error);
        assertEquals(ResilienceEvents.CONFIGURATION_REFUSED, events.events().get(0).getTopic());
    }

    @Test
    void aValidChangeResizesTheSameBulkheadLive() throws Exception {
        QueueBulkheadStage stage = wire(new QueueBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.queue~send", "dwcp.operation", "send"));
        QueueBulkhead before = stage.bulkheads().get("send", "", 0);
        assertEquals(100, before.maxConcurrentCalls());

        stage.modified(config("dwcp.bulkhead.queue~send", "dwcp.operation", "send", "max.concurrent.calls", 7,
                "queue.capacity", 3, "max.wait.ms", 10));
        QueueBulkhead after = stage.bulkheads().get("send", "", 0);
        assertSame(before, after, "resized in place: permits in flight stay counted");
        assertEquals(7, after.maxConcurrentCalls());
        assertEquals(7, after.available());
        assertEquals(3, after.metrics().value("queueCapacity"));
        assertTrue(log.at("info").get(1).contains("reconfigured"), log.lines().toString());
        stage.deactivate();
    }

    @Test
    void aBadChangeIsRefusedWithAnErrorAndAnEventAndTheOldSettingsStay() throws Exception {
        SemaphoreBulkheadStage stage = wire(new SemaphoreBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.semaphore~send", "dwcp.operation", "send", "max.concurrent.calls", 1));

        stage.modified(config("dwcp.bulkhead.semaphore~send", "dwcp.operation", "send", "max.concurrent.calls", "0"));

        String error = log.at("error").get(0);
        assertTrue(error.contains("configuration dwcp.bulkhead.semaphore~send refused: max.concurrent.calls=0"), error);
        assertTrue(error.contains("the previous configuration stays in force"), error);
        Event event = events.events().get(0);
        assertEquals(ResilienceEvents.CONFIGURATION_REFUSED, event.getTopic());
        assertEquals("dwcp.bulkhead.semaphore~send", event.getProperty(ResilienceEvents.PID));
        assertEquals("max.concurrent.calls", event.getProperty(ResilienceEvents.KEY));

        assertEquals(1, stage.settings().maxConcurrentCalls());
        Holders holders = new Holders();
        holders.enter(stage::execute, inv("send"));
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("send"), i -> "x"), "the old limit holds");
        holders.releaseAll();
        stage.deactivate();
    }

    @Test
    void aBadChangeWithoutEventAdminIsStillLogged() {
        SemaphoreBulkheadStage stage = wire(new SemaphoreBulkheadStage());
        stage.setServices(log.logger(), null);
        stage.activate(null, config("dwcp.bulkhead.semaphore~send", "dwcp.operation", "send"));
        stage.modified(config("dwcp.bulkhead.semaphore~send", "dwcp.operation", "Send"));
        assertEquals(1, log.at("error").size());
        assertEquals("send", stage.settings().operation());
    }

    @Test
    void movingToAnotherOperationMakesAFreshBulkhead() throws Exception {
        ThreadPoolBulkheadStage stage = wire(new ThreadPoolBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.threadpool~x", "dwcp.operation", "sync"));
        ThreadPoolBulkhead before = stage.bulkheads().get("sync", "", 0);
        assertTrue(stage.execute(inv("sync"), i -> Thread.currentThread().getName()).startsWith("dwcp-bulkhead-sync-"));

        stage.modified(config("dwcp.bulkhead.threadpool~x", "dwcp.operation", "receive"));
        ThreadPoolBulkhead after = stage.bulkheads().get("receive", "", 0);
        assertNotSame(before, after);
        assertTrue(before.executor().isTerminated(), "the old pool stopped");
        assertTrue(stage.execute(inv("receive"), i -> Thread.currentThread().getName()).startsWith("dwcp-bulkhead-receive-"));
        stage.deactivate();
    }

    @Test
    void aStarConfigurationIsolatesEveryOperation() throws Exception {
        SemaphoreBulkheadStage stage = wire(new SemaphoreBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.semaphore~all", "dwcp.operation", "*", "max.concurrent.calls", 1));
        Holders holders = new Holders();
        holders.enter(stage::execute, inv("send"));

        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("send"), i -> "x"));
        assertEquals("sync runs", stage.execute(inv("sync"), i -> "sync runs"), "a full send does not block sync");

        stage.modified(config("dwcp.bulkhead.semaphore~all", "dwcp.operation", "*", "max.concurrent.calls", 2));
        assertEquals("now", stage.execute(inv("send"), i -> "now"), "the resize reached every operation");

        List<MetricsSnapshot> metrics = stage.metrics();
        assertEquals(2, metrics.size());
        assertEquals(List.of("send", "sync"), metrics.stream().map(MetricsSnapshot::operation).sorted().toList());
        holders.releaseAll();
        stage.deactivate();
    }

    @Test
    void deactivationStopsEveryPoolAndNoThreadOutlivesIt() throws Exception {
        ThreadPoolBulkheadStage stage = wire(new ThreadPoolBulkheadStage());
        stage.activate(null, config("dwcp.bulkhead.threadpool~all", "dwcp.operation", "*", "core.threads", 2));
        stage.execute(inv("send"), i -> "x");
        stage.execute(inv("consensus"), i -> "x");
        List<ThreadPoolBulkhead> pools = List.copyOf(stage.bulkheads().instances());
        assertEquals(2, pools.size());
        List<Thread> workers = pools.stream().flatMap(p -> p.liveThreads().stream()).toList();
        assertEquals(2, workers.size());

        stage.deactivate();
        assertTrue(workers.stream().noneMatch(Thread::isAlive), "no worker thread outlives the component");
        BulkheadFullException late = assertThrows(BulkheadFullException.class, () -> stage.execute(inv("sync"), i -> "x"));
        assertTrue(late.getMessage().contains("stopped"), late.getMessage());
        assertThrows(BulkheadFullException.class, () -> stage.execute(inv("send"), i -> "x"));
    }
}
