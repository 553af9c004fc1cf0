package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.TestInvocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.log.Logger;

class RetryStageTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final ManualSleeper sleeper = new ManualSleeper(clock);
    private final List<String> errors = new ArrayList<>();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private RetryStage stage;

    @BeforeEach
    void setUp() {
        stage = new RetryStage(sleeper);
        stage.setServices((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("error")) {
                        errors.add(String.valueOf(args[0]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                }), events);
    }

    private static Map<String, Object> config(String operation, String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "dwcp.retry~" + operation.replace("*", "all"));
        properties.put("dwcp.operation", operation);
        properties.put("jitter", "none");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private int attemptsOfAlwaysFailingCall(String operation) {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(IOException.class, () -> stage.execute(new TestInvocation(operation, clock), inv -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        }));
        return attempts.get();
    }

    @Test
    void anInvalidConfigurationStopsActivationWithALogLineNamingPidKeyAndReason() {
        assertThrows(InvalidConfigurationException.class, () -> stage.activate(null, config("send", "max.retries", "-1")));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("dwcp.retry~send") && errors.get(0).contains("max.retries=-1")
                && errors.get(0).contains("must be between"), errors.get(0));
    }

    @Test
    void aLiveChangeAppliesToTheNextCall() {
        stage.activate(null, config("send", "max.retries", "1"));
        assertEquals(2, attemptsOfAlwaysFailingCall("send"));

        stage.modified(config("send", "max.retries", "4"));
        assertEquals(5, attemptsOfAlwaysFailingCall("send"));
    }

    @Test
    void aRefusedChangeKeepsThePreviousSettingsLogsAndPostsAnEvent() {
        stage.activate(null, config("send", "max.retries", "2"));

        stage.modified(config("send", "max.retries", "2", "multiplier", "NaN"));

        assertEquals(3, attemptsOfAlwaysFailingCall("send"));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("multiplier=NaN"), errors.get(0));
        Event refused = events.events().stream().filter(e -> e.getTopic().equals(ResilienceEvents.CONFIGURATION_REFUSED))
                .findFirst().orElseThrow();
        assertEquals("dwcp.retry~send", refused.getProperty(ResilienceEvents.PID));
        assertEquals("multiplier", refused.getProperty(ResilienceEvents.KEY));
    }

    @Test
    void eachRetryAndTheGiveUpArePostedAsEvents() {
        stage.activate(null, config("send", "max.retries", "2"));
        attemptsOfAlwaysFailingCall("send");

        List<Object> attempts = new ArrayList<>();
        for (Event e : events.events()) {
            if (e.getTopic().equals(ResilienceEvents.RETRY_ATTEMPT)) {
                attempts.add(e.getProperty(ResilienceEvents.ATTEMPT));
                assertEquals("send", e.getProperty(ResilienceEvents.OPERATION));
                assertEquals(IOException.class.getName(), e.getProperty(ResilienceEvents.REASON));
            }
        }
        assertEquals(List.of(2, 3), attempts);
        Event gaveUp = events.events().get(events.events().size() - 1);
        assertEquals(RetryStage.GAVE_UP_TOPIC, gaveUp.getTopic());
        assertEquals("exhausted", gaveUp.getProperty(ResilienceEvents.REASON));
    }

    @Test
    void aStageForAllOperationsKeepsSeparateStateAndMetricsPerOperation() throws Exception {
        stage.activate(null, config("*", "max.retries", "1"));
        attemptsOfAlwaysFailingCall("send");
        stage.execute(new TestInvocation("sync", clock), inv -> "ok");

        Map<String, MetricsSnapshot> byOperation = new HashMap<>();
        for (MetricsSnapshot s : stage.metrics()) {
            byOperation.put(s.operation(), s);
        }
        assertEquals(1.0, byOperation.get("send").value("failedCallsWithRetryAttempt"));
        assertEquals(0.0, byOperation.get("send").value("successfulCallsWithoutRetryAttempt"));
        assertEquals(1.0, byOperation.get("sync").value("successfulCallsWithoutRetryAttempt"));
        assertEquals(2.0, byOperation.get("send").value("budgetCallsInWindow") + byOperation.get("sync").value("budgetCallsInWindow"));
        assertEquals("retry", byOperation.get("sync").source());
    }

    @Test
    void aNamedResultPredicateServiceIsUsedWhileItIsRegistered() throws Exception {
        stage.activate(null, config("send", "result.predicate", "busy"));
        Predicate<Object> busy = "BUSY"::equals;
        stage.bindPredicate(busy, Map.of(RetryStage.PREDICATE_NAME, "busy"));
        AtomicInteger calls = new AtomicInteger();

        assertEquals("BUSY", stage.execute(new TestInvocation("send", clock), inv -> {
            calls.incrementAndGet();
            return "BUSY";
        }));
        assertEquals(4, calls.get());

        stage.unbindPredicate(busy, Map.of(RetryStage.PREDICATE_NAME, "busy"));
        calls.set(0);
        stage.execute(new TestInvocation("send", clock), inv -> {
            calls.incrementAndGet();
            return "BUSY";
        });
        assertEquals(1, calls.get());
    }

    @Test
    void theSuccessPathAllocatesNothing() throws Exception {
        stage.activate(null, config("send"));
        TestInvocation inv = new TestInvocation("send", clock);
        io.dwcp.resilience.api.Next<String> next = i -> "ok";
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            stage.execute(inv, next);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            stage.execute(inv, next);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // Any per-call allocation would be at least 16 bytes x 10,000 calls; allow the probe's own.
        // under one byte a call: any object allocated per call (16 B at least) would show as 160,000 B;
        // the JIT may allocate a little on the thread while it compiles.
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 10,000 successful calls");
    }
}
