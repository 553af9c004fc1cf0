package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthMonitor;
import java.util.regex.Pattern;

/** The rule for check names: what shows up in reports, events, metrics labels and Felix HC. */
final class CheckNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private CheckNames() {
    }

    /**
     * @param pid  the PID, for messages
     * @param name a check name
     * @return the name
     * @throws InvalidConfigurationException unless it is 1-64 of [A-Za-z0-9._-] starting with a letter or digit
     */
    static String validate(String pid, String name) {
        if (name == null || !NAME.matcher(name).matches() || HealthMonitor.OVERALL.equals(name)) {
            throw new InvalidConfigurationException(pid, HealthCheck.NAME, name,
                    "expected 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return name;
    }
}
