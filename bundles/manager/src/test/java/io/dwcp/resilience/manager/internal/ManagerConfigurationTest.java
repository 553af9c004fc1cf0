package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The manager's configuration: malformed typed values refused, defaults kept, no-op reconfiguration. */
class ManagerConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();

    private ResilienceManagerComponent manager() throws ReflectiveOperationException {
        ResilienceManagerComponent m = new ResilienceManagerComponent(log.logger());
        Field f = ResilienceManagerComponent.class.getDeclaredField("eventAdmin");
        f.setAccessible(true);
        f.set(m, events);
        return m;
    }

    private List<Event> refusals() {
        return events.on(ResilienceEvents.CONFIGURATION_REFUSED);
    }

    @Test
    void aNonNumericMaxOperationsIsRefusedAndTheManagerStartsWithItsDefaults() throws Exception {
        ResilienceManagerComponent m = manager();
        m.activate(null, Map.of("service.pid", "dwcp.manager", "max.operations", "lots"));
        assertEquals(1, refusals().size());
        Event refusal = refusals().get(0);
        assertEquals("dwcp.manager", refusal.getProperty(ResilienceEvents.PID));
        assertEquals("max.operations", refusal.getProperty(ResilienceEvents.KEY));
        assertEquals("lots", refusal.getProperty("value"));
        assertEquals("not a whole number", refusal.getProperty(ResilienceEvents.REASON));
        assertTrue(log.at("error").get(0).contains("max.operations=lots"), log.lines().toString());
        assertTrue(log.at("warn").get(0).contains("running with the defaults"), log.lines().toString());
    }

    @Test
    void aMalformedChangeKeepsThePreviousConfigurationAndAnEqualOneIsANoOp() throws Exception {
        ResilienceManagerComponent m = manager();
        m.activate(null, Map.of("max.operations", "100", "missing.stage.policy", "bypass"));
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count());
        m.modified(Map.of("max.operations", "100 ", "missing.stage.policy", "bypass",
                "felix.fileinstall.filename", "file:/karaf/etc/dwcp.manager.cfg"));
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count(),
                "the same values again: nothing logged");
        m.modified(Map.of("max.operations", "many", "missing.stage.policy", "bypass"));
        m.modified(Map.of("max.operations", "100", "missing.stage.policy", "sometimes"));
        assertEquals(2, refusals().size());
        assertEquals(List.of("max.operations", "missing.stage.policy"),
                refusals().stream().map(e -> e.getProperty(ResilienceEvents.KEY)).toList());
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count(),
                "refused: nothing applied");
    }

    @Test
    void theServicePropertiesAreThoseOfTheAcceptedConfigurationOnly() throws Exception {
        List<Map<String, Object>> published = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ServiceRegistration.class }, (proxy, method, args) -> {
                    calls.add(method.getName());
                    if (method.getName().equals("setProperties")) {
                        published.add(map((Dictionary<?, ?>) args[0]));
                    }
                    return null;
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        calls.add("registerService " + String.join(",", (String[]) args[0]));
                        published.add(map((Dictionary<?, ?>) args[2]));
                        return registration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        ResilienceManagerComponent m = manager();
        m.activate(context, Map.of("service.pid", "dwcp.manager", "component.name", "manager", "max.operations", "100",
                ".private", "x"));
        assertEquals(List.of("registerService io.dwcp.resilience.api.ResilienceManager,"
                + "org.osgi.service.cm.ConfigurationListener"), calls);
        assertEquals(Map.of("service.pid", "dwcp.manager", "component.name", "manager", "max.operations", "100"),
                published.get(0));

        m.modified(Map.of("service.pid", "dwcp.manager", "component.name", "manager", "max.operations", "lots"));
        assertEquals(1, refusals().size());
        assertEquals(1, published.size(), "a refused configuration is not published: " + published);

        m.modified(Map.of("service.pid", "dwcp.manager", "component.name", "manager", "max.operations", "200"));
        assertEquals(Map.of("service.pid", "dwcp.manager", "component.name", "manager", "max.operations", "200"),
                published.get(1));

        m.deactivate();
        assertEquals("unregister", calls.get(calls.size() - 1));
    }

    @Test
    void aRefusedFirstConfigurationPublishesOnlyTheComponentsOwnKeys() throws Exception {
        List<Map<String, Object>> published = new ArrayList<>();
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    published.add(map((Dictionary<?, ?>) args[2]));
                    return null;
                });
        manager().activate(context, Map.of("service.pid", "dwcp.manager", "component.id", 7L, "max.operations", "lots"));
        assertEquals(List.of(Map.of("service.pid", "dwcp.manager", "component.id", 7L)), published);
    }

    private static Map<String, Object> map(Dictionary<?, ?> d) {
        Map<String, Object> m = new TreeMap<>();
        for (Object k : Collections.list(d.keys())) {
            m.put((String) k, d.get(k));
        }
        return m;
    }
}
