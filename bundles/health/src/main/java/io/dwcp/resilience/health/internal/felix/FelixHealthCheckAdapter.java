package io.dwcp.resilience.health.internal.felix;

import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.Locale;
import java.util.Optional;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;

/**
 * One of our checks as a Felix health check. It answers with the monitor's latest result instead
 * of running the check again: our monitor already runs it on schedule with a timeout, and a ping
 * run twice would double the probes.
 */
final class FelixHealthCheckAdapter implements HealthCheck {

    private final HealthMonitor monitor;
    private final String check;

    FelixHealthCheckAdapter(HealthMonitor monitor, String check) {
        this.monitor = monitor;
        this.check = check;
    }

    @Override
    public Result execute() {
        Optional<HealthCheckReport> report = monitor.report(check);
        if (report.isEmpty()) {
            return new Result(Result.Status.TEMPORARILY_UNAVAILABLE, "DWCP health check '" + check + "' is not registered");
        }
        HealthCheckReport r = report.get();
        String rate = Double.isNaN(r.recentSuccessRate()) ? "no runs yet"
                : String.format(Locale.ROOT, "%.1f%% of the last %d runs succeeded", r.recentSuccessRate() * 100,
                        Math.min(r.runs(), Long.SIZE));
        return new Result(status(r.status()), r.lastResult().message() + " (" + rate + ")");
    }

    /**
     * @param status one of our statuses
     * @return the Felix status an operator reads the same way
     */
    static Result.Status status(HealthStatus status) {
        switch (status) {
            case HEALTHY:
                return Result.Status.OK;
            case DEGRADED:
                return Result.Status.WARN;
            case UNHEALTHY:
                return Result.Status.CRITICAL;
            default:
                return Result.Status.TEMPORARILY_UNAVAILABLE;
        }
    }

    @Override
    public String toString() {
        return "DWCP health check '" + check + "' for Felix HC";
    }
}
