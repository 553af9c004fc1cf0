package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Combines the latest statuses of other checks (it does not run them again): healthy when enough
 * children are healthy, degraded when enough pass counting degraded ones, unknown when the children
 * not run yet could still tip it, unhealthy otherwise. A child that is not registered fails.
 */
final class CompositeCheck {

    private final TimeSource clock;
    private final CompositeSettings settings;

    CompositeCheck(TimeSource clock, CompositeSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    CompositeSettings settings() {
        return settings;
    }

    /**
     * @param statusOf the current status of a check by name, empty when it is not registered
     * @return the combined result
     */
    HealthResult evaluate(Function<String, Optional<HealthStatus>> statusOf) {
        int healthy = 0;
        int degraded = 0;
        int unknown = 0;
        List<String> failing = new ArrayList<>();
        for (String child : settings.children()) {
            Optional<HealthStatus> status = statusOf.apply(child);
            if (status.isEmpty()) {
                failing.add(child + " (not registered)");
                continue;
            }
            switch (status.get()) {
                case HEALTHY:
                    healthy++;
                    break;
                case DEGRADED:
                    degraded++;
                    break;
                case UNKNOWN:
                    unknown++;
                    break;
                default:
                    failing.add(child + " (" + status.get() + ")");
                    break;
            }
        }
        int total = settings.children().size();
        int required = settings.quorum().required(total);
        HealthStatus status;
        if (healthy >= required) {
            status = HealthStatus.HEALTHY;
        } else if (healthy + degraded >= required) {
            status = HealthStatus.DEGRADED;
        } else if (healthy + degraded + unknown >= required) {
            status = HealthStatus.UNKNOWN;
        } else {
            status = HealthStatus.UNHEALTHY;
        }
        String message = healthy + " healthy, " + degraded + " degraded, " + unknown + " unknown of " + total
                + " (" + settings.quorum() + " required)" + (failing.isEmpty() ? "" : "; failing: " + String.join(", ", failing));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("children", total);
        details.put("healthy", healthy);
        details.put("degraded", degraded);
        details.put("unknown", unknown);
        details.put("required", required);
        return new HealthResult(status, message, details, clock.currentTimeMillis());
    }
}
