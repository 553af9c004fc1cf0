package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down every callback as text, e.g. {@code changed a UNKNOWN->HEALTHY}, {@code healthy a}. */
final class RecordingListener implements HealthListener {

    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void onHealthy(String check, HealthResult result) {
        calls.add("healthy " + check);
    }

    @Override
    public void onUnhealthy(String check, HealthResult result) {
        calls.add("unhealthy " + check);
    }

    @Override
    public void onStatusChanged(String check, HealthStatus from, HealthStatus to, HealthResult result) {
        calls.add("changed " + check + " " + from + "->" + to);
    }
}
