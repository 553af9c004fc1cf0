package io.dwcp.resilience.defaults.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.log.Logger;

class GracefulShutdownTest {

    private final List<String> calls = new ArrayList<>();

    private Framework framework(int state) {
        return (Framework) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Framework.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    switch (method.getName()) {
                        case "getState":
                            return state;
                        case "waitForStop":
                            return new FrameworkEvent(FrameworkEvent.STOPPED, (Bundle) proxy, null);
                        default:
                            return null;
                    }
                });
    }

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    calls.add("log." + method.getName());
                    return null;
                });
    }

    @Test
    void anActiveFrameworkIsStoppedAndAwaited() {
        GracefulShutdown.stop(framework(Bundle.ACTIVE), logger());
        assertEquals(List.of("getState", "stop", "waitForStop"), calls);
    }

    @Test
    void aFrameworkAlreadyStoppingIsNotStoppedAgainButAwaited() {
        // 'stop 0' or Gogo at the end of its input began the stop: the JVM must still wait for it
        GracefulShutdown.stop(framework(Bundle.STOPPING), logger());
        assertEquals(List.of("getState", "waitForStop"), calls);
    }
}
