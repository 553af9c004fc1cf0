package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validated settings of a composite check.
 *
 * @param name     the check's name
 * @param children the names of the checks it combines, in order
 * @param quorum   how many must pass
 */
record CompositeSettings(String name, List<String> children, Quorum quorum) {

    /** The factory PID of composite checks. */
    static final String PID = "dwcp.health.composite";

    CompositeSettings {
        children = List.copyOf(children);
    }

    /** Reads through the Metatype {@link CompositeCheckConfig}, whose defaults are the only ones, with the kit's refusals. */
    static CompositeSettings from(ConfigReader in) {
        String pid = in.pid();
        CompositeCheckConfig config = in.typed(CompositeCheckConfig.class);
        String name = CheckNames.validate(pid, config.dwcp_health_check());
        CheckIntervals.validate(pid, config.dwcp_health_interval_ms(), config.dwcp_health_timeout_ms());
        Set<String> children = new LinkedHashSet<>();
        String raw = config.children() == null ? "" : config.children();
        for (String part : raw.split(",")) {
            String child = part.trim();
            if (child.isEmpty()) {
                continue;
            }
            CheckNames.validate(pid, child);
            if (child.equals(name)) {
                throw new InvalidConfigurationException(pid, "children", raw, "a composite check cannot contain itself");
            }
            children.add(child);
        }
        if (children.isEmpty()) {
            throw new InvalidConfigurationException(pid, "children", raw, "name at least one check, comma-separated");
        }
        Quorum quorum = Quorum.parse(pid, "require", config.require(), "k", config.k(), children.size());
        return new CompositeSettings(name, new ArrayList<>(children), quorum);
    }
}
