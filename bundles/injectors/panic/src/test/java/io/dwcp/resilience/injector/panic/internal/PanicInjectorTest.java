package io.dwcp.resilience.injector.panic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PanicInjectorTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger proceeded = new AtomicInteger();
    private final SplittableRandom random = new SplittableRandom(3);

    private PanicInjector injector(String kind) {
        PanicInjector injector = new PanicInjector(random::nextDouble);
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("kind", kind));
        return injector;
    }

    private Throwable panic(PanicInjector injector) {
        return assertThrows(Throwable.class,
                () -> injector.inject(new TestInvocation("send", clock), inv -> proceeded.incrementAndGet()));
    }

    @Test
    void exceptionKindThrowsAnUncheckedException() {
        Throwable t = panic(injector("exception"));
        assertTrue(t instanceof RuntimeException, t.toString());
        assertEquals("send: chaos injector 'panic' panicked with an unchecked exception", t.getMessage());
        assertEquals(0, proceeded.get());
    }

    @Test
    void errorKindThrowsAnError() {
        Throwable t = panic(injector("error"));
        assertTrue(t instanceof Error, t.toString());
        assertTrue(t.getMessage().startsWith("send: chaos injector 'panic'"), t.getMessage());
    }

    @Test
    void mixedThrowsBothAboutEqually() {
        PanicInjector injector = injector("mixed");
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            panic(injector);
        }
        assertEquals(n, injector.errors() + injector.exceptions());
        double share = injector.errors() / (double) n;
        assertTrue(Math.abs(share - 0.5) < 5 * Math.sqrt(0.25 / n), "error share " + share);
        assertEquals(0, proceeded.get());
    }

    @Test
    void unknownKindsAreRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> injector("fatal"));
        assertEquals("kind", e.key());
        assertEquals(PanicInjector.Kind.ERROR, injector(" Error ").settings());
    }
}
