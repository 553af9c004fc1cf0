package io.dwcp.resilience.view.internal;

import io.dwcp.resilience.api.view.ConfigurationView;
import io.dwcp.resilience.api.view.ConfigurationView.Refusal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Works out, per PID, which properties a component runs with, from two signals that arrive in any
 * order: ConfigurationAdmin's updates and the components' refusals
 * ({@code dwcp/resilience/config/REFUSED}). A refused change leaves the previous accepted
 * properties in force, as every DWCP component promises.
 *
 * <p>Plain Java, no OSGi: the component feeds it.
 */
final class ConfigurationLedger {

    /** {@code null} for accepted or previousAccepted means: the component's defaults (not known here). */
    private static final class Entry {
        Map<String, Object> accepted;
        Map<String, Object> previousAccepted;
        Map<String, Object> refusedProperties;
        Refusal lastRefusal;
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Records the properties found at start: assumed in force (a refusal may follow). */
    synchronized void seed(String pid, Map<String, Object> properties) {
        entries.computeIfAbsent(pid, p -> {
            Entry e = new Entry();
            e.accepted = properties;
            return e;
        });
    }

    /** A configuration was created or changed: in force unless a refusal of exactly these properties comes. */
    synchronized void updated(String pid, Map<String, Object> properties) {
        Entry e = entries.computeIfAbsent(pid, p -> new Entry());
        if (properties.equals(e.refusedProperties)) {
            return; // the refusal of these properties arrived first
        }
        if (properties.equals(e.accepted)) {
            return;
        }
        e.previousAccepted = e.accepted;
        e.accepted = properties;
    }

    /**
     * A component refused the properties ConfigurationAdmin holds now.
     *
     * @param current the properties ConfigurationAdmin holds for the PID (the ones refused)
     */
    synchronized void refused(String pid, String key, String reason, long timestampMillis, Map<String, Object> current) {
        Entry e = entries.computeIfAbsent(pid, p -> new Entry());
        e.lastRefusal = new Refusal(key, reason, timestampMillis);
        e.refusedProperties = current;
        if (current.equals(e.accepted)) {
            // back to what was in force before (null when refused at first sight: the defaults)
            e.accepted = e.previousAccepted;
            e.previousAccepted = null;
        }
    }

    /** The configuration was deleted: the component went back to its defaults or away. */
    synchronized void deleted(String pid) {
        entries.remove(pid);
    }

    /** @return the picture of {@code pid} given what ConfigurationAdmin holds now */
    synchronized ConfigurationView view(String pid, String factoryPid, Map<String, Object> configured) {
        Entry e = entries.get(pid);
        if (e == null) {
            return new ConfigurationView(pid, factoryPid, configured, configured, true, null);
        }
        boolean known = e.accepted != null;
        return new ConfigurationView(pid, factoryPid, configured, known ? e.accepted : Map.of(), known, e.lastRefusal);
    }

    /** @return the last refusal recorded for {@code pid} */
    synchronized Optional<Refusal> refusal(String pid) {
        Entry e = entries.get(pid);
        return e == null ? Optional.empty() : Optional.ofNullable(e.lastRefusal);
    }
}
