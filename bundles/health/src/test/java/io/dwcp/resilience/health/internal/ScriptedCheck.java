package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A check that answers whatever status the test set last, and counts its runs. */
final class ScriptedCheck implements HealthCheck {

    private final String name;
    volatile HealthStatus status = HealthStatus.HEALTHY;
    volatile RuntimeException failure;
    final AtomicInteger runs = new AtomicInteger();

    ScriptedCheck(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthResult check() {
        runs.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        return new HealthResult(status, name + " is " + status, Map.of(), 0);
    }
}
