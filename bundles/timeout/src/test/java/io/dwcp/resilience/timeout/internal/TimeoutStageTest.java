package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.TestInvocation;
import io.dwcp.resilience.testkit.InMemoryStateStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.log.Logger;

class TimeoutStageTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<String> errors = new ArrayList<>();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final List<TimeoutStage> stages = new ArrayList<>();

    @AfterEach
    void deactivateAll() {
        for (TimeoutStage stage : stages) {
            stage.deactivate();
        }
    }

    private TimeoutStage newStage() {
        TimeoutStage stage = new TimeoutStage(clock);
        stage.setServices((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("error")) {
                        errors.add(String.valueOf(args[0]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                }), events);
        stage.stateStore = store;
        stages.add(stage);
        return stage;
    }

    private static Map<String, Object> config(String operation, String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "dwcp.timeout~" + operation.replace("*", "all"));
        properties.put("dwcp.operation", operation);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private long timeoutSeenBy(TimeoutStage stage, String operation) throws Exception {
        AtomicLong seen = new AtomicLong();
        stage.execute(new TestInvocation(operation, clock), inv -> {
            seen.set(inv.deadlineNanos() - inv.startNanos());
            return "ok";
        });
        return seen.get();
    }

    @Test
    void anInvalidConfigurationStopsActivationWithALogLine() {
        TimeoutStage stage = newStage();
        assertThrows(InvalidConfigurationException.class,
                () -> stage.activate(null, config("send", "min.timeout.ms", "900", "max.timeout.ms", "100")));
        assertTrue(errors.get(0).contains("dwcp.timeout~send") && errors.get(0).contains("min.timeout.ms=900")
                && errors.get(0).contains("must not be greater than max.timeout.ms"), errors.get(0));
    }

    @Test
    void aLiveChangeAppliesAndARefusedOneKeepsThePreviousTimeout() throws Exception {
        TimeoutStage stage = newStage();
        stage.activate(null, config("send", "timeout.ms", "500"));
        assertEquals(500 * MS, timeoutSeenBy(stage, "send"));

        stage.modified(config("send", "timeout.ms", "800"));
        assertEquals(800 * MS, timeoutSeenBy(stage, "send"));

        stage.modified(config("send", "timeout.ms", "-3"));
        assertEquals(800 * MS, timeoutSeenBy(stage, "send"));
        assertTrue(errors.get(0).contains("timeout.ms=-3"), errors.get(0));
        Event refused = events.events().get(events.events().size() - 1);
        assertEquals(ResilienceEvents.CONFIGURATION_REFUSED, refused.getTopic());
        assertEquals("timeout.ms", refused.getProperty(ResilienceEvents.KEY));
    }

    @Test
    void theForcedModesExecutorExistsOnlyWhileTheModeIsOnAndIsShutDownOnDeactivate() {
        TimeoutStage stage = newStage();
        stage.activate(null, config("send", "forced", "true"));
        ForcedRunner first = stage.runner();
        assertNotNull(first);

        stage.modified(config("send", "forced", "false"));
        assertNull(stage.runner());
        assertTrue(first.isClosed());

        stage.modified(config("send", "forced", "true"));
        ForcedRunner second = stage.runner();
        stage.deactivate();
        assertTrue(second.isClosed());
    }

    @Test
    void anAdaptiveTimeoutSurvivesASwapToAnotherProvider() throws Exception {
        TimeoutStage old = newStage();
        old.activate(null, config("send", "mode", "adaptive", "timeout.ms", "1000"));
        for (int i = 0; i < 10; i++) {
            timeoutSeenBy(old, "send");
        }
        long adapted = old.controller("send").currentTimeoutNanos();
        assertTrue(adapted < 1_000 * MS);
        old.deactivate();
        assertEquals("1:" + adapted, new String(store.records().get("timeout/send"), StandardCharsets.UTF_8));

        TimeoutStage replacement = newStage();
        replacement.activate(null, config("send", "mode", "adaptive", "timeout.ms", "1000"));
        assertEquals(adapted, replacement.controller("send").currentTimeoutNanos());
        assertEquals(adapted, timeoutSeenBy(replacement, "send"));
    }

    @Test
    void aStateStoreArrivingAfterTheStageStartedRestoresTheTimeoutUnlessItMovedSince() throws Exception {
        store.records().put("timeout/send", "1:777000000".getBytes(StandardCharsets.UTF_8));
        store.records().put("timeout/sync", "1:777000000".getBytes(StandardCharsets.UTF_8));
        TimeoutStage stage = newStage();
        stage.stateStore = null; // the state bundle starts last
        stage.activate(null, config("*", "mode", "adaptive", "timeout.ms", "1000"));
        stage.controllerFor("send");
        timeoutSeenBy(stage, "sync"); // sync has learnt: 950 ms
        assertEquals(1_000 * MS, stage.controller("send").currentTimeoutNanos());

        stage.bindStateStore(store);
        assertEquals(777 * MS, stage.controller("send").currentTimeoutNanos(), "restored when the store came");
        assertEquals(950 * MS, stage.controller("sync").currentTimeoutNanos(), "what it learnt since is newer");
    }

    @Test
    void aCorruptStateRecordIsIgnored() {
        store.records().put("timeout/send", "garbage".getBytes(StandardCharsets.UTF_8));
        TimeoutStage stage = newStage();
        stage.activate(null, config("send", "mode", "adaptive", "timeout.ms", "1000"));
        assertEquals(1_000 * MS, stage.controller("send").currentTimeoutNanos());
    }

    @Test
    void aReconfigurationThatKeepsTheAdaptiveSetupKeepsTheAdaptedValue() throws Exception {
        TimeoutStage stage = newStage();
        stage.activate(null, config("send", "mode", "adaptive", "timeout.ms", "1000"));
        timeoutSeenBy(stage, "send");
        stage.modified(config("send", "mode", "adaptive", "timeout.ms", "1000", "failure.factor", "1.5"));
        assertEquals(950 * MS, stage.controller("send").currentTimeoutNanos());
        stage.modified(config("send", "mode", "adaptive", "timeout.ms", "2000"));
        assertEquals(2_000 * MS, stage.controller("send").currentTimeoutNanos(), "a new starting value starts over");
    }

    @Test
    void aStageForAllOperationsAdaptsEachOperationSeparately() throws Exception {
        store.records().put("timeout/sync", "1:777000000".getBytes(StandardCharsets.UTF_8));
        TimeoutStage stage = newStage();
        stage.activate(null, config("*", "mode", "adaptive", "timeout.ms", "1000"));
        timeoutSeenBy(stage, "send");
        assertEquals(777 * MS, timeoutSeenBy(stage, "sync"), "restored when the operation is first seen");

        Map<String, MetricsSnapshot> byOperation = new HashMap<>();
        for (MetricsSnapshot s : stage.metrics()) {
            byOperation.put(s.operation(), s);
        }
        assertEquals(950.0, byOperation.get("send").value("currentTimeoutMillis"));
        assertEquals(1.0, byOperation.get("send").value("successes"));
        assertEquals(738.15, byOperation.get("sync").value("currentTimeoutMillis"), 1e-9);
        assertEquals("timeout", byOperation.get("sync").source());
    }

    @Test
    void aNotableChangeIsPostedAsAnEventFromTheControlPathNotByTheCaller() throws Exception {
        TimeoutStage stage = newStage();
        stage.activate(null, config("send", "mode", "adaptive", "timeout.ms", "1000"));
        for (int i = 0; i < 3; i++) {
            timeoutSeenBy(stage, "send");
        }
        stage.publishChanges(); // what the publisher thread does every 100 ms
        Event changed = events.events().stream().filter(e -> e.getTopic().equals(ResilienceEvents.TIMEOUT_CHANGED)).findFirst()
                .orElseThrow();
        assertEquals("send", changed.getProperty(ResilienceEvents.OPERATION));
        assertEquals(1_000L, changed.getProperty(ResilienceEvents.FROM));
        assertEquals(857L, changed.getProperty(ResilienceEvents.TO));
    }

    @Test
    void theSuccessPathAllocatesNothingInFixedOrAdaptiveMode() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        io.dwcp.resilience.api.Next<String> next = i -> "ok";
        for (String mode : new String[] {"fixed", "adaptive"}) {
            TimeoutStage stage = newStage();
            stage.activate(null, config("send", "mode", mode, "timeout.ms", "1000", "latency.basis", "percentile"));
            TestInvocation inv = new TestInvocation("send", clock);
            for (int i = 0; i < 20_000; i++) {
                stage.execute(inv, next);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++) {
                stage.execute(inv, next);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // under one byte a call: one object per call (16 B at least) would show as 160,000 B; the
            // JIT may allocate a little on the thread while it compiles.
            assertTrue(allocated < 10_000, mode + ": " + allocated + " bytes allocated by 10,000 successful calls");
        }
    }
}
