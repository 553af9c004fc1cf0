package io.dwcp.resilience.injector.error.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.injector.support.internal.TestInvocation;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorInjectorTest {

    private final ClassLoader loader = getClass().getClassLoader();
    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger proceeded = new AtomicInteger();

    private Exception inject(ErrorInjector injector) {
        return assertThrows(Exception.class, () -> injector.inject(new TestInvocation("sync", "node-1", clock),
                inv -> proceeded.incrementAndGet()));
    }

    @Test
    void byDefaultAnInjectedFaultNamingTheOperationAndInjector() {
        ErrorInjector injector = new ErrorInjector(ErrorSettings.of(ErrorSettings.DEFAULT_EXCEPTION, "boom", loader));
        Exception e = inject(injector);
        assertSame(InjectedFaultException.class, e.getClass());
        assertEquals("error", ((InjectedFaultException) e).injector());
        assertEquals("sync: fault injected by chaos injector 'error': boom", e.getMessage());
        assertEquals(0, proceeded.get(), "the rest of the chain never runs");
        assertEquals(1, injector.thrown());
    }

    @Test
    void aConfiguredCheckedExceptionType() {
        ErrorInjector injector = new ErrorInjector(ErrorSettings.of("java.net.ConnectException", "refused", loader));
        Exception e = inject(injector);
        assertSame(ConnectException.class, e.getClass());
        assertEquals("sync: fault injected by chaos injector 'error': refused", e.getMessage());
        injector.update(ErrorSettings.of(" java.io.IOException ", "io", loader));
        assertSame(IOException.class, inject(injector).getClass());
        injector.update(ErrorSettings.of("java.lang.IllegalStateException", "state", loader));
        assertSame(IllegalStateException.class, inject(injector).getClass());
        assertEquals(0, proceeded.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "java.lang.NoSuchThing", "java.lang.String", "java.lang.OutOfMemoryError",
            "io.dwcp.resilience.api.ResilienceException", "io.dwcp.resilience.api.DeadlineExceededException"})
    void unusableTypesAreRefusedNamingTheKey(String type) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ErrorSettings.of(type, "x", loader));
        assertEquals("dwcp.injector.error", e.pid());
        assertEquals("exception", e.key());
        assertTrue(e.getMessage().contains("exception=" + type), e.getMessage());
    }
}
