package io.dwcp.resilience.testkit;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A {@link BundleContext} that only registers services, and remembers each registration with the
 * properties it has now: what a test passes to {@code ConfiguredComponent.activate(context, ...)}
 * to see the service properties a stage is published with (a refused {@code dwcp.operation} must
 * not change them). Any other method of the context throws {@link UnsupportedOperationException}.
 *
 * @since 1.2
 */
public final class RecordingBundleContext {

    /** One registration: its interfaces, its current properties, whether it was unregistered. */
    public static final class Registration {
        private final List<String> interfaces;
        private volatile Map<String, Object> properties;
        private volatile boolean unregistered;
        private int updates;

        Registration(List<String> interfaces, Dictionary<String, ?> properties) {
            this.interfaces = interfaces;
            this.properties = copy(properties);
        }

        /** @return the interface names registered */
        public List<String> interfaces() {
            return interfaces;
        }

        /** @return the service properties now */
        public Map<String, Object> properties() {
            return properties;
        }

        /** @return how often the properties were set after the registration */
        public synchronized int updates() {
            return updates;
        }

        /** @return whether it was unregistered */
        public boolean unregistered() {
            return unregistered;
        }
    }

    private final List<Registration> registrations = Collections.synchronizedList(new ArrayList<>());
    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(
            RecordingBundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("registerService") && args[0] instanceof String[] names) {
                    @SuppressWarnings("unchecked")
                    Registration r = new Registration(List.of(names), (Dictionary<String, ?>) args[2]);
                    registrations.add(r);
                    return registration(r);
                }
                if (method.getName().equals("registerService") && args[0] instanceof String name) {
                    @SuppressWarnings("unchecked")
                    Registration r = new Registration(List.of(name), (Dictionary<String, ?>) args[2]);
                    registrations.add(r);
                    return registration(r);
                }
                switch (method.getName()) {
                    case "toString":
                        return "RecordingBundleContext" + registrations;
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        throw new UnsupportedOperationException("RecordingBundleContext only registers services, not "
                                + method.getName());
                }
            });

    /** @return the context to hand to the component */
    public BundleContext context() {
        return context;
    }

    /** @return every registration so far, in order */
    public List<Registration> registrations() {
        synchronized (registrations) {
            return List.copyOf(registrations);
        }
    }

    /** @return the one registration made so far; fails when there is not exactly one */
    public Registration only() {
        List<Registration> all = registrations();
        if (all.size() != 1) {
            throw new AssertionError("expected one registration, found " + all.size() + ": " + all);
        }
        return all.get(0);
    }

    private static ServiceRegistration<?> registration(Registration r) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(RecordingBundleContext.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setProperties":
                            @SuppressWarnings("unchecked")
                            Dictionary<String, ?> p = (Dictionary<String, ?>) args[0];
                            synchronized (r) {
                                r.properties = copy(p);
                                r.updates++;
                            }
                            return null;
                        case "unregister":
                            if (r.unregistered) {
                                throw new IllegalStateException("already unregistered");
                            }
                            r.unregistered = true;
                            return null;
                        case "toString":
                            return "registration " + r.interfaces + " " + r.properties;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static Map<String, Object> copy(Dictionary<String, ?> properties) {
        Map<String, Object> out = new HashMap<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                out.put(key, properties.get(key));
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
