package io.dwcp.resilience.injector.error.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorInjectorTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger proceeded = new AtomicInteger();
    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();

    private ErrorInjector injector(String exception, String message) {
        ErrorInjector injector = new ErrorInjector();
        injector.setServices(log.logger(), events);
        injector.activate(null, Map.of("exception", exception, "message", message));
        return injector;
    }

    private Exception inject(ErrorInjector injector) {
        return assertThrows(Exception.class, () -> injector.inject(new TestInvocation("sync", "node-1", clock,
                Long.MAX_VALUE), inv -> proceeded.incrementAndGet()));
    }

    @Test
    void byDefaultAnInjectedFaultNamingTheOperationAndInjector() {
        ErrorInjector injector = injector(ErrorInjector.DEFAULT_EXCEPTION, "boom");
        Exception e = inject(injector);
        assertSame(InjectedFaultException.class, e.getClass());
        assertEquals("error", ((InjectedFaultException) e).injector());
        assertEquals("sync: fault injected by chaos injector 'error': boom", e.getMessage());
        assertEquals(0, proceeded.get(), "the rest of the chain never runs");
        assertEquals(1, injector.thrown());
    }

    @Test
    void aConfiguredCheckedExceptionType() {
        ErrorInjector injector = injector("java.net.ConnectException", "refused");
        Exception e = inject(injector);
        assertSame(ConnectException.class, e.getClass());
        assertEquals("sync: fault injected by chaos injector 'error': refused", e.getMessage());
        injector.modified(Map.of("exception", " java.io.IOException ", "message", "io"));
        assertSame(IOException.class, inject(injector).getClass());
        injector.modified(Map.of("exception", "java.lang.IllegalStateException", "message", "state"));
        assertSame(IllegalStateException.class, inject(injector).getClass());
        assertEquals(0, proceeded.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "java.lang.NoSuchThing", "java.lang.String", "java.lang.OutOfMemoryError",
            "io.dwcp.resilience.api.ResilienceException", "io.dwcp.resilience.api.DeadlineExceededException"})
    void unusableTypesAreRefusedNamingTheKey(String type) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> injector(type, "x"));
        assertEquals("dwcp.injector.error", e.pid());
        assertEquals("exception", e.key());
        assertTrue(e.getMessage().contains("exception=" + type), e.getMessage());
    }

    @Test
    void aRefusedChangeKeepsTheExceptionInForceAndIsReportedOnce() {
        ErrorInjector injector = injector("java.io.IOException", "io");
        injector.modified(Map.of("exception", "java.lang.NoSuchThing"));
        assertSame(IOException.class, inject(injector).getClass());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertTrue(log.at("error").get(0).contains("dwcp.injector.error refused: exception=java.lang.NoSuchThing"),
                log.lines().toString());
        injector.modified(Map.of("exception", "java.io.IOException", "message", "io"));
        assertEquals(0, log.lines().stream().filter(l -> l.contains("reconfigured")).count(),
                "the configuration in force again: a no-op " + log.lines());
    }
}
