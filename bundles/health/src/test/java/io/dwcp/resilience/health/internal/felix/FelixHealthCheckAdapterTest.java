package io.dwcp.resilience.health.internal.felix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;

class FelixHealthCheckAdapterTest {

    private static HealthMonitor monitorWith(HealthCheckReport report) {
        return new HealthMonitor() {
            @Override
            public HealthStatus status() {
                return report.status();
            }

            @Override
            public List<HealthCheckReport> reports() {
                return List.of(report);
            }

            @Override
            public Optional<HealthCheckReport> report(String check) {
                return check.equals(report.name()) ? Optional.of(report) : Optional.empty();
            }
        };
    }

    private static HealthCheckReport report(HealthStatus status, long runs, double recent) {
        return new HealthCheckReport("send-error-rate", status, new HealthResult(status, "send error.rate 2.000% > 1.000%",
                Map.of(), 0), runs, 0, 0, recent, 0, 10_000, 5_000);
    }

    @Test
    void mapsStatusesToTheFelixOnesAnOperatorReadsTheSameWay() {
        assertEquals(Result.Status.OK, FelixHealthCheckAdapter.status(HealthStatus.HEALTHY));
        assertEquals(Result.Status.WARN, FelixHealthCheckAdapter.status(HealthStatus.DEGRADED));
        assertEquals(Result.Status.CRITICAL, FelixHealthCheckAdapter.status(HealthStatus.UNHEALTHY));
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, FelixHealthCheckAdapter.status(HealthStatus.UNKNOWN));
    }

    @Test
    void answersWithTheMonitorsLatestResultAndSuccessRate() {
        Result result = new FelixHealthCheckAdapter(monitorWith(report(HealthStatus.UNHEALTHY, 100, 0.75)), "send-error-rate").execute();
        assertEquals(Result.Status.CRITICAL, result.getStatus());
        assertEquals("send error.rate 2.000% > 1.000% (75.0% of the last 64 runs succeeded)", result.iterator().next().getMessage());
    }

    @Test
    void aCheckThatWentAwayIsTemporarilyUnavailable() {
        Result result = new FelixHealthCheckAdapter(monitorWith(report(HealthStatus.HEALTHY, 1, 1)), "gone").execute();
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, result.getStatus());
    }
}
