package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.health.Pingable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Probes {@link Pingable} targets one after the other and judges by a quorum: all answered is
 * healthy; some missing but the quorum met is degraded; fewer than the quorum is unhealthy.
 */
final class PingCheck {

    private final TimeSource clock;
    private final PingSettings settings;

    PingCheck(TimeSource clock, PingSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    PingSettings settings() {
        return settings;
    }

    /**
     * @param targets the targets to probe
     * @return what was found
     * @throws InterruptedException when the monitor gave up on this run
     */
    HealthResult run(List<Pingable> targets) throws InterruptedException {
        if (targets.isEmpty()) {
            return new HealthResult(settings.noTargetStatus(), "no Pingable service matches", Map.of("targets", 0),
                    clock.currentTimeMillis());
        }
        List<Pingable> ordered = new ArrayList<>(targets);
        ordered.sort(Comparator.comparing(PingCheck::targetName));
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.pingTimeoutMillis());
        int reachable = 0;
        long maxRttNanos = 0;
        List<String> unreachable = new ArrayList<>();
        for (Pingable target : ordered) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("ping check '" + settings.name() + "' interrupted");
            }
            try {
                long rtt = target.ping(timeoutNanos);
                reachable++;
                maxRttNanos = Math.max(maxRttNanos, rtt);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                unreachable.add(targetName(target) + " (" + e.getMessage() + ")");
            }
        }
        int total = ordered.size();
        int required = Math.min(settings.quorum().required(total), total);
        HealthStatus status;
        String message;
        if (reachable == total) {
            status = HealthStatus.HEALTHY;
            message = "all " + total + " targets answered, slowest in " + millis(maxRttNanos) + " ms";
        } else if (reachable >= required) {
            status = HealthStatus.DEGRADED;
            message = reachable + " of " + total + " targets answered (" + settings.quorum() + " required); no answer from "
                    + String.join(", ", unreachable);
        } else {
            status = HealthStatus.UNHEALTHY;
            message = "only " + reachable + " of " + total + " targets answered, " + required + " required; no answer from "
                    + String.join(", ", unreachable);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("targets", total);
        details.put("reachable", reachable);
        details.put("required", required);
        details.put("maxRttMillis", millis(maxRttNanos));
        return new HealthResult(status, message, details, clock.currentTimeMillis());
    }

    private static String targetName(Pingable target) {
        try {
            String name = target.target();
            return name == null ? "?" : name;
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
