package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetListener;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.BurnRateAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link SloSink} that remembers everything, with one listener that does the same. */
final class RecordingSink implements SloSink, BudgetListener {

    record Posted(String topic, Map<String, Object> properties) {
    }

    final List<Posted> events = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<BudgetStatus> exhausted = new ArrayList<>();
    final List<BudgetStatus> recovered = new ArrayList<>();
    final List<BurnRateAlert> alerts = new ArrayList<>();

    @Override
    public void post(String topic, Map<String, Object> properties) {
        events.add(new Posted(topic, Map.copyOf(properties)));
    }

    @Override
    public List<BudgetListener> listeners() {
        return List.of(this);
    }

    @Override
    public void info(String message) {
        log.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        log.add("WARN " + message);
    }

    @Override
    public void error(String message, Throwable failure) {
        log.add("ERROR " + message);
    }

    @Override
    public void budgetExhausted(BudgetStatus status) {
        exhausted.add(status);
    }

    @Override
    public void budgetRecovered(BudgetStatus status) {
        recovered.add(status);
    }

    @Override
    public void burnRateAlert(BurnRateAlert alert) {
        alerts.add(alert);
    }

    List<Posted> events(String topic) {
        return events.stream().filter(e -> e.topic().equals(topic)).toList();
    }
}
