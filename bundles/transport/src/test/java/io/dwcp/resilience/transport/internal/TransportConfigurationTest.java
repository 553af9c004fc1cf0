package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;

/**
 * The transport's configuration through the stage kit ({@code ConfiguredComponent}): a malformed value
 * is refused with PID, key and reason while the configuration in force keeps running, the same values
 * again change nothing, an unknown key is warned about. The component runs for real (a transport on a
 * free loopback port) in a minimal bundle context.
 */
class TransportConfigurationTest {

    @TempDir
    Path dataArea;

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    /** Services the component registered by hand, by interface name. */
    private final List<String> registered = new ArrayList<>();
    /** The DWCPTransport service's properties as registered, then as each setProperties changed them. */
    private final List<String> transportProperties = new ArrayList<>();
    private TransportComponent component;

    private static Map<String, Object> mapOf(Object dictionary) {
        Map<String, Object> m = new HashMap<>();
        java.util.Dictionary<?, ?> d = (java.util.Dictionary<?, ?>) dictionary;
        for (Object k : java.util.Collections.list(d.keys())) {
            m.put((String) k, d.get(k));
        }
        return m;
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getDataFile" -> dataArea.resolve((String) args[0]).toFile();
                    case "registerService" -> {
                        String name = args[0] instanceof Class<?> c ? c.getName()
                                : args[0] instanceof String[] names ? String.join(",", names) : String.valueOf(args[0]);
                        registered.add(name);
                        if (name.equals(DWCPTransport.class.getName())) {
                            transportProperties.add(String.valueOf(new TreeMap<>(mapOf(args[2]))));
                        }
                        yield Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("setProperties") && name.equals(DWCPTransport.class.getName())) {
                                        transportProperties.add(String.valueOf(new TreeMap<>(mapOf(a[0]))));
                                    }
                                    return null;
                                });
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "dwcp.transport");
        p.put("component.name", TransportComponent.class.getName());
        p.put("node.id", "node-1");
        p.put("listen.port", "0");
        p.put("peers", "node-2=127.0.0.1:1");
        p.put("reconnect.initial.ms", "60000"); // nothing listens on port 1: one attempt, then quiet
        p.put("reconnect.max.ms", "60000");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private TransportComponent started(Map<String, Object> properties) {
        component = new TransportComponent();
        component.setServices(log.logger(), events);
        component.activate(context(), properties);
        return component;
    }

    @AfterEach
    void stop() {
        if (component != null) {
            component.deactivate();
        }
    }

    /** Lines of the component's configuration handling (the engine's own, about connecting, are not counted). */
    private long componentLines() {
        return log.lines().stream().filter(l -> l.contains("dwcp.transport") || l.contains("configuration")).count();
    }

    private List<String> peerIds() {
        return component.peers().stream().map(PeerStatus::nodeId).toList();
    }

    @Test
    void aMalformedValueIsRefusedWithPidKeyAndReasonAndThePreviousConfigurationStays() {
        TransportComponent c = started(config());
        int port = c.localPort();
        NettyTransport engine = c.engine();
        assertTrue(port > 0, "listening on a free port");
        assertEquals(List.of("DWCPManager", "Pingable", "DWCPTransport"),
                registered.stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).toList());
        assertEquals(1, transportProperties.size());
        assertTrue(transportProperties.get(0).contains("listen.port=0"), transportProperties.toString());

        c.modified(config("listen.port", "lots"));
        c.modified(config("peers", "garbage"));

        List<String> errors = log.at("error").stream().filter(l -> l.startsWith("configuration ")).toList();
        assertEquals(2, errors.size(), log.lines().toString());
        assertTrue(errors.get(0).startsWith("configuration dwcp.transport refused: listen.port=lots: "), errors.get(0));
        assertTrue(errors.get(1).startsWith("configuration dwcp.transport refused: peers=garbage: an entry must be id=host:port"),
                errors.get(1));
        List<Event> refused = events.on(ResilienceEvents.CONFIGURATION_REFUSED);
        assertEquals(List.of("listen.port", "peers"), refused.stream().map(e -> e.getProperty(ResilienceEvents.KEY)).toList());
        assertEquals("dwcp.transport", refused.get(1).getProperty(ResilienceEvents.PID));
        // in force: the same engine, port and peers
        assertSame(engine, c.engine());
        assertEquals(port, c.localPort());
        assertEquals(List.of("node-2"), peerIds());
        assertEquals("node-2=127.0.0.1:1", c.settings().peers().get("node-2").toString());
        // and the service properties: registered by the kit, never republished with a refused value (SCR would)
        assertEquals(1, transportProperties.size(), transportProperties.toString());
    }

    @Test
    void theSameValuesAgainAreANoOpAndAChangeAppliesLive() {
        TransportComponent c = started(config());
        NettyTransport engine = c.engine();
        long lines = componentLines();
        c.modified(config());
        assertEquals(lines, componentLines(), "nothing logged: " + log.lines());
        assertSame(engine, c.engine());
        assertTrue(events.events().isEmpty());

        // a new peer connects without touching the listener
        c.modified(config("peers", "node-2=127.0.0.1:1, node-3=127.0.0.1:2"));
        assertSame(engine, c.engine());
        assertEquals(List.of("node-2", "node-3"), peerIds());
        assertTrue(log.at("info").stream().anyMatch(l -> l.startsWith("dwcp.transport reconfigured: node node-1")), log.lines().toString());
    }

    @Test
    void anUnknownKeyIsWarnedAboutNamingIt() {
        started(config("streamz", "4"));
        List<String> warnings = log.at("warn");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("unknown key 'streamz'")), warnings.toString());
    }

    @Test
    void aMalformedFirstConfigurationFailsActivationNamingTheKey() {
        TransportComponent c = new TransportComponent();
        c.setServices(log.logger(), events);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> c.activate(context(), config("listen.port", "lots")));
        assertEquals("listen.port", e.key());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
    }
}
