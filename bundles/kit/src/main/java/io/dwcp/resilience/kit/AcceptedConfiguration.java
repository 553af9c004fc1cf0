package io.dwcp.resilience.kit;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration a component last accepted, compared by value, so that a reconfiguration with
 * the same values is recognised as a no-op. Karaf's FileInstall re-reads the {@code etc/*.cfg}
 * files Karaf wrote and adds {@code felix.fileinstall.filename}: without this, every component
 * would log "reconfigured" and reset its state once after every install.
 *
 * <p>Keys SCR, ConfigAdmin and FileInstall add ({@code component.*}, {@code service.pid},
 * {@code service.factoryPid}, {@code service.bundleLocation}, {@code felix.fileinstall.*}) are not
 * configuration and are ignored; values compare as text, so {@code 5} and {@code "5"} are equal.
 */
public final class AcceptedConfiguration {

    private static final Set<String> IGNORED = Set.of("component.id", "component.name", "service.pid",
            "service.factoryPid", "service.bundleLocation", "service.id", "service.bundleid", "service.scope");

    private Map<String, String> accepted;

    /** @return whether {@code properties} hold the same configuration as the one last accepted */
    public synchronized boolean isSame(Map<String, ?> properties) {
        return accepted != null && accepted.equals(normalise(properties));
    }

    /** Remembers {@code properties} as accepted. */
    public synchronized void accept(Map<String, ?> properties) {
        accepted = normalise(properties);
    }

    /** Forgets what was accepted (on deactivation). */
    public synchronized void clear() {
        accepted = null;
    }

    static Map<String, String> normalise(Map<String, ?> properties) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (!IGNORED.contains(key) && !key.startsWith("felix.fileinstall.") && !key.startsWith(".")
                    && value != null) {
                out.put(key, text(value));
            }
        });
        return out;
    }

    private static String text(Object value) {
        if (value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                parts.add(String.valueOf(Array.get(value, i)).trim());
            }
            return parts.size() == 1 ? parts.get(0) : String.join(",", parts);
        }
        if (value instanceof Iterable<?> it) {
            List<String> parts = new ArrayList<>();
            it.forEach(o -> parts.add(String.valueOf(o).trim()));
            return parts.size() == 1 ? parts.get(0) : String.join(",", parts);
        }
        return value.toString().trim();
    }
}
